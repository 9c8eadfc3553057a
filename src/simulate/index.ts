import { brandProfile, type BrandProfile } from './brands.ts';
import type { BrandContext, Component } from './component.ts';
import { AuthorPool, IdMint } from './people.ts';
import { DAY, MINUTE, observationOf, type Post } from './posts.ts';
import { Random } from './random.ts';
import { ReadingQueue } from './reading-queue.ts';
import { planBrand } from './scenarios.ts';
import {
  SCENARIO_KINDS,
  type BrandTruth,
  type Observation,
  type ScenarioKind,
  type SimulateOptions,
  type Truth,
} from './types.ts';

export * from './types.ts';

/** Posts are made slice by slice: short enough that a rate doubling every half hour is followed. */
const SLICE = 5 * MINUTE;

interface Brand {
  profile: BrandProfile;
  kind: ScenarioKind;
  components: Component[];
  incident: { start: number; end: number } | null;
  ids: string[];
}

/**
 * Observations of `opts.scenario`, in the order polls saw them, as a stream: memory holds only the
 * posts still to be read again, so millions of lines cost no more than a few. The generator's
 * return value is the ground truth. A pure function of the options: the same seed and start give
 * the same lines.
 */
export function* simulate(opts: SimulateOptions): Generator<Observation, Truth, undefined> {
  checkOptions(opts);
  const root = new Random(opts.seed);
  const end = opts.start + Math.round(opts.days * DAY);
  const kinds = kindsFor(opts, root.fork('kinds'));
  const brands = kinds.map((kind, i): Brand => {
    const profile = brandProfile(i);
    const rnd = root.fork(`brand${i}`);
    // Small and large brands alike, from a few mentions an hour to a few dozen; drawn even when
    // --rate is given, so that the rate changes the volume and nothing else.
    const drawnRate = 6 * Math.exp(rnd.next() * Math.log(40 / 6));
    const ctx: BrandContext = {
      profile,
      rnd,
      authors: new AuthorPool(rnd.fork('authors')),
      ids: new IdMint(i),
      baseRate: opts.rate ?? drawnRate,
    };
    return { profile, kind, ...planBrand(kind, ctx, opts.start, end), ids: [] };
  });

  const due = new ReadingQueue<{ post: Post; brand: Brand }>();
  const emitted = new WeakSet<Post>();
  for (let t0 = opts.start; t0 < end; t0 += SLICE) {
    const t1 = Math.min(t0 + SLICE, end);
    for (const b of brands)
      for (const c of b.components)
        for (const post of c.postsIn(t0, t1))
          for (const at of post.readings) if (at < end) due.push(at, { post, brand: b });
    // Everything made later is read later: what is due before t1 is final.
    while (due.size > 0 && due.nextAt() < t1) {
      const {
        at,
        value: { post, brand },
      } = due.pop();
      if (post.incident && !emitted.has(post)) brand.ids.push(post.id);
      emitted.add(post);
      yield observationOf(post, brand.profile.name, at);
    }
  }
  return truthOf(opts, end, brands);
}

/** Runs a simulation to its end: the lines and the truth (for tests and small streams). */
export function simulateAll(opts: SimulateOptions): { observations: Observation[]; truth: Truth } {
  const observations: Observation[] = [];
  const it = simulate(opts);
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { observations, truth: r.value };
    observations.push(r.value);
  }
}

function kindsFor(opts: SimulateOptions, rnd: Random): ScenarioKind[] {
  if (opts.kinds) return opts.kinds;
  if (opts.scenario !== 'mixed')
    return Array.from({ length: opts.brands }, () => opts.scenario as ScenarioKind);
  const order = [...SCENARIO_KINDS];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [order[i], order[j]] = [order[j] as ScenarioKind, order[i] as ScenarioKind];
  }
  return Array.from({ length: opts.brands }, (_, i) => order[i % order.length] as ScenarioKind);
}

function truthOf(opts: SimulateOptions, end: number, brands: Brand[]): Truth {
  const iso = (t: number) => new Date(t).toISOString();
  return {
    scenario: opts.scenario,
    seed: opts.seed,
    start: iso(opts.start),
    end: iso(end),
    brands: brands.map((b): BrandTruth => ({
      brand: b.profile.name,
      kind: b.kind,
      incident: b.incident && { start: iso(b.incident.start), end: iso(b.incident.end), mention_ids: b.ids },
    })),
  };
}

function checkOptions(o: SimulateOptions): void {
  if (o.kinds && o.kinds.length === 0) throw new Error('kinds: name at least one');
  if (!Number.isInteger(o.brands) || o.brands < 1 || o.brands > 100_000)
    throw new Error(`brands ${o.brands}: give a whole number from 1 to 100000`);
  if (!(o.days > 0 && o.days <= 3_650))
    throw new Error(`days ${o.days}: give a number of days above 0 (at most 3650)`);
  if (!Number.isSafeInteger(o.seed)) throw new Error(`seed ${o.seed}: give a whole number`);
  if (!Number.isFinite(o.start)) throw new Error('start: not a time');
  if (o.rate !== undefined && !(o.rate > 0 && o.rate <= 1_000_000))
    throw new Error(`rate ${o.rate}: give mentions an hour above 0`);
}
