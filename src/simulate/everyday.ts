import { arrivals, makePost, type BrandContext, type Component } from './component.ts';
import { pickSource, type Post, type SourceName } from './posts.ts';
import { season } from './season.ts';
import { everyday, fill, SOURING, type Tone } from './texts.ts';

/** The everyday mix of tones: most posts are plain, a few glad, fewer angry. */
export const EVERYDAY_MIX: Record<Tone, number> = { negative: 0.15, neutral: 0.55, positive: 0.3 };

export interface EverydayOptions {
  /** Share of posts at time t that are about a problem slowly spreading (a souring); 0 when none. */
  souring?: (t: number) => number;
  /** A source that stops bringing anything from `from` on (an API change, a revoked key). */
  silent?: { source: SourceName; from: number };
}

/** Everyday talk about a brand, at its usual rate with the hour and weekday in it. */
export class Everyday implements Component {
  /** Which complaints say crisis words in passing. */
  private readonly alarm;

  constructor(
    private readonly ctx: BrandContext,
    private readonly opts: EverydayOptions = {},
  ) {
    this.alarm = ctx.rnd.fork('alarming');
  }

  postsIn(t0: number, t1: number): Post[] {
    const { ctx, opts } = this;
    const out: Post[] = [];
    for (const t of arrivals(ctx.rnd, t0, t1, ctx.baseRate * season((t0 + t1) / 2))) {
      const source = pickSource(ctx.rnd);
      const soured = opts.souring !== undefined && ctx.rnd.chance(opts.souring(t));
      const text = soured
        ? fill(ctx.rnd.pick(SOURING), ctx.profile, ctx.rnd)
        : everyday(toneOf(ctx.rnd.next()), ctx.profile, ctx.rnd, this.alarm);
      const post = makePost(ctx, { source, text, createdAt: t, incident: soured });
      // Drawn all the same, so that a silence changes nothing else in the stream.
      if (opts.silent && source === opts.silent.source && t >= opts.silent.from) continue;
      out.push(post);
    }
    return out;
  }
}

function toneOf(u: number): Tone {
  if (u < EVERYDAY_MIX.negative) return 'negative';
  return u < EVERYDAY_MIX.negative + EVERYDAY_MIX.neutral ? 'neutral' : 'positive';
}
