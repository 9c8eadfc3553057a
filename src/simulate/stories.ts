import { arrivals, makePost, type BrandContext, type Component } from './component.ts';
import { largeAuthor } from './people.ts';
import { DAY, engagementAt, frequentReadings, HOUR, MINUTE, type Growth, type Post } from './posts.ts';
import { BIG_COMPLAINT, fill, LAUNCH, variant, VIRAL, type Tone } from './texts.ts';

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
