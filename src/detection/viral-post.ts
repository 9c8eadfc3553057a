import { engagementOf } from '../analysis/virality.ts';
import type { DetectionSettings } from '../config.ts';
import type { Severity } from '../types.ts';
import { excerpt, round, type DetectedMention, type Finding } from './types.ts';

/**
 * One post spreading far faster than its author's reach predicts (its virality score, from its
 * metric snapshots), before the volume of mentions moves. A negative one is a viral post to act
 * on; a positive one is an opportunity for marketing (a "Sainsbury's coffee moment"); a neutral one
 * is news worth knowing.
 */
export function detectViralPosts(mentions: readonly DetectedMention[], s: DetectionSettings): Finding[] {
  const out: Finding[] = [];
  for (const m of mentions) {
    if (m.virality < s.viral_score) continue;
    const engagement = engagementOf(m.metrics);
    // Copies add to the spread, but a post nobody engages with is not viral however often it is
    // pasted (an automated notice, a bot): that is volume, which the spike rule weighs.
    const own = engagement - 2 * (m.metrics.copies ?? 0);
    if (own < s.viral_min_engagement / 2 || engagement < s.viral_min_engagement) continue;
    const positive = m.label === 'positive';
    const negative = m.label === 'negative';
    const crisis = m.intents.some((i) => i.name.startsWith('crisis_'));
    let severity: Severity = 'info';
    if (negative) severity = m.virality >= 0.8 || crisis || m.reach >= 1_000_000 ? 'critical' : 'warning';
    else if (positive && m.virality >= 0.8) severity = 'warning';
    const who = m.authorHandle ? `@${m.authorHandle}` : 'a post';
    out.push({
      kind: positive ? 'opportunity' : 'viral_post',
      polarity: positive ? 'positive' : negative ? 'negative' : 'neutral',
      severity,
      subject: m.id,
      title: `${who} is spreading fast (${Math.round(engagement)} engagements): "${excerpt(m.text, 100)}"`,
      mentionIds: [m.id],
      evidence: {
        virality: round(m.virality, 2),
        engagement: Math.round(engagement),
        copies: m.metrics.copies ?? 0,
        reach: m.reach,
        followers: m.authorFollowers ?? 0,
        sentiment: m.score,
      },
    });
  }
  return out;
}
