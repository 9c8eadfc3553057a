import type { DetectionSettings } from '../config.ts';
import { excerpt, type DetectedMention, type Finding } from './types.ts';

/** Sources whose posts show the brand's answers; elsewhere "unanswered" cannot be known. */
export const ANSWERS_SHOWN = new Set(['x', 'reddit', 'youtube', 'trustpilot']);

/**
 * Complaints from authors with a large reach, older than `unanswered_after`, that the brand has not
 * answered (where the source shows answers). Each is its own incident; answering it resolves it.
 */
export function detectUnanswered(
  mentions: readonly DetectedMention[],
  now: number,
  s: DetectionSettings,
): Finding[] {
  const out: Finding[] = [];
  for (const m of mentions) {
    if (!ANSWERS_SHOWN.has(m.source) || m.answeredAt !== null || m.reach < s.unanswered_reach) continue;
    const hours = (now - m.createdAt) / 3_600_000;
    const who = m.authorHandle ? `@${m.authorHandle}` : 'An author';
    out.push({
      kind: 'unanswered_complaint',
      polarity: 'negative',
      severity: m.reach >= 10 * s.unanswered_reach ? 'critical' : 'warning',
      subject: m.id,
      title: `${who} (about ${m.reach.toLocaleString('en-US')} people) has waited ${Math.floor(hours)} h for an answer: "${excerpt(m.text, 100)}"`,
      mentionIds: [m.id],
      evidence: {
        reach: m.reach,
        waiting_hours: Math.round(hours * 10) / 10,
        followers: m.authorFollowers ?? 0,
      },
    });
  }
  return out;
}
