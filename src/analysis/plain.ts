/**
 * Whether every character of `s` is ASCII or general punctuation (U+2010–U+2027, U+2030–U+205E:
 * dashes, curly quotes, ellipsis, bullets). Those are neither letters, digits nor white space and
 * have no case, so a scanner that reads ASCII codes reads them as the Unicode regexes do: as
 * separators. An em dash or a curly apostrophe is in most English reviews and posts; without them
 * in the fast paths, those texts took the regex paths.
 */
export function isPlain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 && (c < 0x2010 || c > 0x205e || (c > 0x2027 && c < 0x2030))) return false;
  }
  return true;
}
