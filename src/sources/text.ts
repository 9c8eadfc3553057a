import he from 'he';

const INLINE_TAGS = /<\/?(?:a|abbr|b|code|em|i|mark|s|small|span|strong|sub|sup|u)\b[^>]*>/gi;
// What `\s+` → ' ' changes: a run of two or more, or one that is not a plain space. Replacing
// every single space by itself cost more than stripping the tags.
const SPACES = /\s{2,}|[^\S ]/g;

/** Runs of white space as one space, trimmed. */
const squeeze = (s: string): string => s.replace(SPACES, ' ').trim();

/**
 * HTML to plain text: inline tags vanish (`#<span>acme</span>` stays `#acme`), blocks become
 * spaces, then entities are decoded, once: after the tags are gone, so `5 &lt; 6` stays text.
 */
export function toText(html: string): string {
  // Most titles and many posts are plain text: no tag, no entity, nothing to decode.
  if (!html.includes('<') && !html.includes('&')) return squeeze(html);
  const stripped = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(INLINE_TAGS, '')
    .replace(/<[^>]*>/g, ' ');
  return squeeze(stripped.includes('&') ? he.decode(stripped) : stripped);
}
