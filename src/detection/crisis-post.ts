import type { DetectionSettings } from '../config.ts';
import type { Severity } from '../types.ts';
import { excerpt, type DetectedMention, type Finding } from './types.ts';

/**
 * The markers that make one post a crisis by what it says. "viral" and "video" say how far a story
 * may go, not what it is: alone they do not count.
 */
const SERIOUS: Record<string, string> = {
  crisis_safety: 'a safety issue',
  crisis_injury: 'injury',
  crisis_discrimination: 'discrimination',
  crisis_legal: 'legal action',
  crisis_boycott: 'a boycott',
};

/** A large account, as severity counts them everywhere: 100,000 followers, or verified with 10,000. */
const large = (m: DetectedMention) =>
  (m.authorFollowers ?? 0) >= 100_000 || (m.authorVerified && (m.authorFollowers ?? 0) >= 10_000);

/**
 * A witness's post of a crisis: negative, with a serious marker (injury, safety, discrimination,
 * legal action, boycott), from an author with `crisis_followers` followers or more, and either
 * showing or asking to spread it ("video below", "spread the word": `crisis_viral`) or written by a
 * large account. The first post of a "United Breaks Guitars" is such a post, minutes before anyone
 * shares it and hours before the volume of mentions moves; a threat to sue over a refund, said in
 * passing, is not (one negative post in 12 to 20 of ordinary tweets carries a serious marker).
 * Once there is one, the window's other negative posts with a serious marker from such authors
 * join it: one incident for the brand, led by the widest-read post. `mentions` are the window's
 * negative mentions, widest reach first.
 */
export function detectCrisisPosts(
  mentions: readonly DetectedMention[],
  s: DetectionSettings,
): Finding | null {
  const posts: DetectedMention[] = [];
  const markers = new Set<string>();
  let witnessed = false;
  for (const m of mentions) {
    if (m.label !== 'negative' || (m.authorFollowers ?? 0) < s.crisis_followers) continue;
    const serious = m.intents.filter((i) => SERIOUS[i.name] !== undefined);
    if (serious.length === 0) continue;
    posts.push(m);
    for (const i of serious) markers.add(i.name);
    if (large(m) || m.intents.some((i) => i.name === 'crisis_viral')) witnessed = true;
  }
  const lead = posts[0];
  if (!lead || !witnessed) return null;
  const severity: Severity = posts.length >= 3 || posts.some(large) ? 'critical' : 'warning';
  const who = lead.authorHandle ? `@${lead.authorHandle}` : 'An author';
  const followers = (lead.authorFollowers ?? 0).toLocaleString('en-US');
  const what = [...markers].map((k) => SERIOUS[k]).join(', ');
  const more = posts.length > 1 ? ` (and ${posts.length - 1} more from large accounts)` : '';
  return {
    kind: 'crisis_post',
    polarity: 'negative',
    severity,
    subject: '',
    title: `${who} (${followers} followers) reports ${what}: "${excerpt(lead.text, 100)}"${more}`,
    mentionIds: posts.map((m) => m.id),
    evidence: {
      posts: posts.length,
      followers: Math.max(...posts.map((m) => m.authorFollowers ?? 0)),
      reach: posts.reduce((a, m) => a + m.reach, 0),
      markers: [...markers].join(','),
    },
  };
}
