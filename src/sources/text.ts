import he from 'he';

/** Escaped or CDATA HTML to plain text. */
export function toText(html: string): string {
  return he
    .decode(
      he
        .decode(html)
        .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
        .replace(/<[^>]*>/g, ' '),
    )
    .replace(/\s+/g, ' ')
    .trim();
}
