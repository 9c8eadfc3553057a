import he from 'he';

const INLINE_TAGS = /<\/?(?:a|abbr|b|code|em|i|mark|s|small|span|strong|sub|sup|u)\b[^>]*>/gi;

/** Escaped or CDATA HTML to plain text: inline tags vanish (`#<span>acme</span>` stays `#acme`), blocks become spaces. */
export function toText(html: string): string {
  return he
    .decode(
      he
        .decode(html)
        .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
        .replace(INLINE_TAGS, '')
        .replace(/<[^>]*>/g, ' '),
    )
    .replace(/\s+/g, ' ')
    .trim();
}
