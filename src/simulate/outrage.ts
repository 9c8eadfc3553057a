import { arrivals, makePost, type BrandContext, type Component } from './component.ts';
import { largeAuthor } from './people.ts';
import { frequentReadings, HOUR, MINUTE, type Growth, type Post, type SourceName } from './posts.ts';
import { angryCopy, fill, PRESS, STORIES, variant } from './texts.ts';

const HALF_HOUR = 30 * MINUTE;

/**
 * A sudden negative story: one post, then mentions that double every half hour (retweets,
 * near-copies, people's own words, later the press) until it peaks, then halve every few hours.
 */
export class Outrage implements Component {
  private readonly peakRate: number;
  private readonly story;
  private first: Post | null = null;
  /** When the rate has fallen below one mention in two hours: the story is over. */
  readonly end: number;

  constructor(
    private readonly ctx: BrandContext,
    readonly start: number,
    private readonly shape = {
      startRate: Math.max(1.5, ctx.baseRate * 0.08),
      growthMs: ctx.rnd.between(3.5, 5) * HOUR,
      halfLifeMs: ctx.rnd.between(1.5, 3) * HOUR,
    },
  ) {
    this.story = ctx.rnd.pick(STORIES);
    this.peakRate = shape.startRate * 2 ** (shape.growthMs / HALF_HOUR);
    this.end = start + shape.growthMs + shape.halfLifeMs * Math.log2(this.peakRate / 0.5);
  }

  /** Story mentions an hour at time t. */
  rate(t: number): number {
    const age = t - this.start;
    if (age < 0 || t >= this.end) return 0;
    if (age < this.shape.growthMs) return this.shape.startRate * 2 ** (age / HALF_HOUR);
    return this.peakRate * 2 ** (-(age - this.shape.growthMs) / this.shape.halfLifeMs);
  }

  postsIn(t0: number, t1: number): Post[] {
    const { ctx } = this;
    const out: Post[] = [];
    if (this.start >= t0 && this.start < t1) {
      const author = largeAuthor(ctx.rnd, 2_000, 20_000, `witness${ctx.rnd.int(10, 99)}`);
      const growth: Growth = {
        kind: 'logistic',
        initial: 3,
        cap: ctx.rnd.between(20_000, 60_000),
        doublingMs: ctx.rnd.between(30, 40) * MINUTE,
      };
      this.first = makePost(ctx, {
        source: 'x',
        text: fill(this.story.first, ctx.profile, ctx.rnd),
        createdAt: this.start,
        author,
        incident: true,
        growth,
        readings: frequentReadings(this.start, 2 * MINUTE, 10 * MINUTE, 12 * HOUR),
      });
      out.push(this.first);
    }
    const first = this.first;
    if (!first) return out;
    for (const t of arrivals(ctx.rnd, t0, t1, this.rate((t0 + t1) / 2))) {
      if (t <= this.start) continue;
      out.push(this.echo(first, t));
    }
    return out;
  }

  private echo(first: Post, t: number): Post {
    const { ctx } = this;
    const u = ctx.rnd.next();
    if (u < 0.4)
      return makePost(ctx, {
        source: 'x',
        text: angryCopy(first.text, first.author.handle, ctx.rnd),
        createdAt: t,
        incident: true,
      });
    if (u < 0.96 || t - this.start < 90 * MINUTE) {
      const source: SourceName = ctx.rnd.pick(['x', 'x', 'bluesky', 'mastodon', 'reddit']);
      const text = variant(ctx.rnd.pick(this.story.echoes), 'negative', ctx.profile, ctx.rnd);
      return makePost(ctx, { source, text, createdAt: t, incident: true, boost: 3 });
    }
    const press = largeAuthor(
      ctx.rnd,
      50_000,
      2_000_000,
      ctx.rnd.pick(['dailynews', 'thecourier', 'newswire']),
    );
    return makePost(ctx, {
      source: 'rss',
      text: fill(ctx.rnd.pick(PRESS), ctx.profile, ctx.rnd),
      createdAt: t,
      author: press,
      incident: true,
    });
  }
}
