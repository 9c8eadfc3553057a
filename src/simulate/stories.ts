import { arrivals, makePost, type BrandContext, type Component } from './component.ts';
import { largeAuthor } from './people.ts';
import {
  DAY,
  engagementAt,
  frequentReadings,
  HOUR,
  MINUTE,
  type Growth,
  type Post,
  type SourceName,
} from './posts.ts';
import {
  angryCopy,
  BIG_COMPLAINT,
  fill,
  LAUNCH,
  PRESS,
  STORIES,
  variant,
  VIRAL,
  type Tone,
} from './texts.ts';

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

/**
 * One post that travels far beyond its author's reach: its engagement doubles every 35 to 50
 * minutes from a small account, and only once it is big do people start writing about it.
 */
export class TakeOff implements Component {
  private post: Post | null = null;
  private readonly growth: Growth & { kind: 'logistic' };
  /** When it has gathered 95 % of what it will. */
  readonly end: number;

  constructor(
    private readonly ctx: BrandContext,
    readonly start: number,
    private readonly tone: 'negative' | 'positive',
  ) {
    this.growth = {
      kind: 'logistic',
      initial: 2,
      cap: ctx.rnd.between(15_000, 50_000),
      doublingMs: ctx.rnd.between(35, 50) * MINUTE,
    };
    const r = Math.LN2 / this.growth.doublingMs;
    this.end = start + Math.log((this.growth.cap / this.growth.initial - 1) * 19) / r;
  }

  postsIn(t0: number, t1: number): Post[] {
    const { ctx } = this;
    const out: Post[] = [];
    if (this.start >= t0 && this.start < t1) {
      const author = largeAuthor(
        ctx.rnd,
        300,
        3_000,
        `${this.tone === 'negative' ? 'sad' : 'happy'}customer${ctx.rnd.int(10, 99)}`,
      );
      author.verified = false;
      this.post = makePost(ctx, {
        source: 'x',
        text: fill(ctx.rnd.pick(VIRAL[this.tone].first), ctx.profile, ctx.rnd),
        createdAt: this.start,
        author,
        incident: true,
        growth: this.growth,
        readings: frequentReadings(this.start, 3 * MINUTE, 10 * MINUTE, 12 * HOUR),
      });
      out.push(this.post);
    }
    if (!this.post || t0 >= this.end) return out;
    // One person in 500 who engages writes a post of their own about it.
    const mid = (t0 + t1) / 2 - this.start;
    const perHour =
      (engagementAt(this.growth, mid + HOUR / 2) - engagementAt(this.growth, mid - HOUR / 2)) / 500;
    for (const t of arrivals(ctx.rnd, t0, t1, perHour)) {
      const text = variant(ctx.rnd.pick(VIRAL[this.tone].echoes), this.tone, ctx.profile, ctx.rnd);
      out.push(
        makePost(ctx, {
          source: ctx.rnd.pick(['x', 'bluesky', 'reddit']),
          text,
          createdAt: t,
          incident: true,
        }),
      );
    }
    return out;
  }
}

/** A launch or an advert: several times the usual volume for hours, glad or curious, a few grumbling. */
export class Launch implements Component {
  private readonly lift: number;
  readonly end: number;
  private static readonly HOLD = 6 * HOUR;
  private static readonly HALF_LIFE = 4 * HOUR;

  constructor(
    private readonly ctx: BrandContext,
    readonly start: number,
  ) {
    this.lift = ctx.rnd.between(4, 6);
    this.end = Math.min(
      start + 2 * DAY,
      start + HOUR + Launch.HOLD + Launch.HALF_LIFE * Math.log2((this.lift * ctx.baseRate) / 0.5),
    );
  }

  rate(t: number): number {
    const age = t - this.start;
    if (age < 0 || t >= this.end) return 0;
    const lifted = this.lift * this.ctx.baseRate;
    if (age < HOUR) return (lifted * age) / HOUR;
    if (age < HOUR + Launch.HOLD) return lifted;
    return lifted * 2 ** (-(age - HOUR - Launch.HOLD) / Launch.HALF_LIFE);
  }

  postsIn(t0: number, t1: number): Post[] {
    const { ctx } = this;
    return arrivals(ctx.rnd, t0, t1, this.rate((t0 + t1) / 2)).map((t) => {
      const u = ctx.rnd.next();
      const tone: Tone = u < 0.55 ? 'positive' : u < 0.94 ? 'neutral' : 'negative';
      const text = variant(ctx.rnd.pick(LAUNCH[tone]), tone, ctx.profile, ctx.rnd);
      return makePost(ctx, {
        source: ctx.rnd.pick(['x', 'x', 'bluesky', 'mastodon', 'reddit', 'rss']),
        text,
        createdAt: t,
        incident: true,
      });
    });
  }
}

/** A complaint from an account that many people read, which the brand never answers. */
export class BigComplaint implements Component {
  constructor(
    private readonly ctx: BrandContext,
    readonly start: number,
  ) {}

  postsIn(t0: number, t1: number): Post[] {
    if (this.start < t0 || this.start >= t1) return [];
    const { ctx } = this;
    const author = largeAuthor(
      ctx.rnd,
      80_000,
      500_000,
      `${ctx.rnd.pick(['tech', 'travel', 'money'])}guru${ctx.rnd.int(1, 9)}`,
    );
    const readings = [3, 30, 120, 360].map((m) => this.start + m * MINUTE);
    const text = fill(ctx.rnd.pick(BIG_COMPLAINT), ctx.profile, ctx.rnd);
    return [
      makePost(ctx, {
        source: 'x',
        text,
        createdAt: this.start,
        author,
        incident: true,
        readings,
        boost: 1.5,
      }),
    ];
  }
}
