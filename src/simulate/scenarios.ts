import type { BrandContext, Component } from './component.ts';
import { Everyday } from './everyday.ts';
import { DAY, HOUR, MINUTE, seconds } from './posts.ts';
import type { Random } from './random.ts';
import { Outrage } from './outrage.ts';
import { BigComplaint, Launch, TakeOff } from './stories.ts';
import type { ScenarioKind } from './types.ts';

/** A brand's traffic, and when its incident (if any) began and ended. */
export interface BrandPlan {
  components: Component[];
  incident: { start: number; end: number } | null;
}

/** How a souring goes: the share of complaints climbs for three days, stays two, then eases off. */
const SOURING = { ramp: 3 * DAY, hold: 2 * DAY, ease: DAY, peakShare: 0.3 };

/**
 * The traffic of one brand living through `kind`, for a stream [start, end). Everything comes from
 * `ctx.rnd`, so a plan is a pure function of the seed and the start.
 */
export function planBrand(kind: ScenarioKind, ctx: BrandContext, start: number, end: number): BrandPlan {
  const t0 = incidentStart(ctx.rnd, start, end);
  // Ends computed from a story's shape fall between seconds; the stream's times do not.
  const clip = (t: number) => Math.min(seconds(t), end);
  switch (kind) {
    case 'quiet':
      return { components: [new Everyday(ctx)], incident: null };
    case 'outrage': {
      const story = new Outrage(ctx, t0);
      return { components: [new Everyday(ctx), story], incident: { start: t0, end: clip(story.end) } };
    }
    case 'souring':
      return {
        components: [new Everyday(ctx, { souring: (t) => souringShare(t - t0) })],
        incident: { start: t0, end: clip(t0 + SOURING.ramp + SOURING.hold) },
      };
    case 'viral':
    case 'positive_viral': {
      const post = new TakeOff(ctx, t0, kind === 'viral' ? 'negative' : 'positive');
      return { components: [new Everyday(ctx), post], incident: { start: t0, end: clip(post.end) } };
    }
    case 'launch': {
      const launch = new Launch(ctx, t0);
      return { components: [new Everyday(ctx), launch], incident: { start: t0, end: clip(launch.end) } };
    }
    case 'silence':
      // X brings the largest share of mentions: losing it is the drop a team must hear about.
      return {
        components: [new Everyday(ctx, { silent: { source: 'x', from: t0 } })],
        incident: { start: t0, end },
      };
    case 'unanswered':
      return { components: [new Everyday(ctx), new BigComplaint(ctx, t0)], incident: { start: t0, end } };
  }
}

function souringShare(age: number): number {
  const { ramp, hold, ease, peakShare } = SOURING;
  if (age <= 0) return 0;
  if (age < ramp) return (peakShare * age) / ramp;
  if (age < ramp + hold) return peakShare;
  return Math.max(0, peakShare * (1 - (age - ramp - hold) / ease));
}

/**
 * When the incident begins: after three fifths of the stream (so that detectors have learned the
 * brand's usual traffic), in the working day, when stories tend to start.
 */
function incidentStart(rnd: Random, start: number, end: number): number {
  const day = Math.floor(((end - start) / DAY) * 0.6);
  return start + day * DAY + rnd.int(8, 18) * HOUR + rnd.int(0, 59) * MINUTE + rnd.int(0, 59) * 1000;
}
