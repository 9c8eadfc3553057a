import readline from 'node:readline';
import { runDetection, SLOW_EVERY } from '../../jobs/detect.ts';
import { markCopies, rescore } from '../../jobs/twins.ts';
import { analyzeMention } from '../analysis/index.ts';
import { RepeatedTexts } from '../analysis/repeats.ts';
import type { Brand, Config } from '../config.ts';
import { connectStore, type Store } from '../db/client.ts';
import { hasOpenIncidents, keepOpenIncidents, type IncidentRow } from '../db/incidents.ts';
import { storeMentions } from '../db/mentions.ts';
import { storedSeries } from '../db/series-reader.ts';
import type { SeriesReader } from '../detection/series.ts';
import { MemorySeries } from '../replay/memory-series.ts';
import { MemoryStore } from '../replay/memory-store.ts';
import { ShardWorkers, shardsOf, threadPlan } from '../replay/parallel.ts';
import { holdsMentions, readBack, sqliteOf } from '../replay/read-back.ts';
import { compileQuery } from '../query.ts';
import type { AlertPayload, AnalyzedMention, Mention } from '../types.ts';
import { toObservation, type Observation } from '../replay/observation.ts';

export interface ReplayOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
  config: Config;
  report?: boolean;
}

/** An observation read, with the brands it is about (its own, or those whose query it matches). */
export interface Entry {
  at: number;
  obs: Observation;
  names: string[];
  /** Its place in the whole replay's order, once sorted. */
  index: number;
  /** The line it was read from, kept while another thread may replay it. */
  line?: string;
}

/** An alert with the step of the replay that decided it, to merge shards into one order. */
export interface TaggedAlert {
  step: number;
  alert: AlertPayload;
}

/** What one shard of brands gives back. */
export interface ShardResult {
  alerts: TaggedAlert[];
  incidents: ReplayedIncident[];
}

/** What a replay gives besides its alerts: the incidents as they stand at the end, and the counts. */
export interface ReplayResult {
  alerts: AlertPayload[];
  incidents: ReplayedIncident[];
  observations: number;
  badLines: number;
  /** The summary `--report` prints: alerts per brand and day. */
  report: string;
  /** The threads it ran on (src/replay/parallel.ts). */
  threads: number;
}

export type ReplayedIncident = Pick<
  IncidentRow,
  | 'id'
  | 'brand'
  | 'kind'
  | 'polarity'
  | 'severity'
  | 'status'
  | 'title'
  | 'openedAt'
  | 'resolvedAt'
  | 'mentionCount'
>;

export interface ReplayHooks {
  /** Each alert as soon as it is decided, in simulated time order. */
  onAlert?: (alert: AlertPayload) => void;
  onBadLine?: (lineNo: number, problem: string) => void;
  /** Replay into this database and leave it open (the digest sample reads it afterwards). */
  store?: Store;
  /**
   * Detection reads the database on every tick, as the daemon does, instead of replay's memory
   * copy of it (also what happens when `store` already holds mentions). The tests compare both.
   */
  storedSeries?: boolean;
  /** Before each detection tick, with what detection is about to read. */
  onTick?: (brand: string, now: number, series: SeriesReader) => void | Promise<void>;
  /**
   * Threads to split the brands over (src/replay/parallel.ts); by default one a core from
   * 20,000 observations on. Replays with `store`, `storedSeries` or `onTick` run on one.
   */
  threads?: number;
}

/**
 * `earshot replay`: the whole pipeline on recorded observations in simulated time, printing the
 * alerts that would have been sent. Returns the exit code (1 when some lines could not be read).
 */
export async function runReplay(opts: ReplayOptions): Promise<number> {
  const lines = readline.createInterface({ input: opts.input, crlfDelay: Infinity });
  const result = await replayObservations(lines, opts.config, {
    onAlert: (alert) => write(opts.output, alert),
    onBadLine: (lineNo, problem) => opts.errors.write(`line ${lineNo}: ${problem}\n`),
  });
  if (opts.report) opts.errors.write(result.report);
  return result.badLines > 0 ? 1 : 0;
}

/**
 * The replay itself, for the CLI and for benchmarks alike: JSON Lines of observations in, the
 * alerts the pipeline would have sent out, with the incidents they belong to.
 */
export async function replayObservations(
  lines: AsyncIterable<string> | Iterable<string>,
  config: Config,
  hooks: ReplayHooks = {},
): Promise<ReplayResult> {
  const matchers = matchersOf(config.brands);
  const entries: Entry[] = [];
  let bad = 0;
  let lineNo = 0;
  let unmatched = 0;
  // Large replays split by brand over threads; theirs start while the rest is still read.
  const plain = !hooks.store && !hooks.storedSeries && !hooks.onTick;
  const plan = plain ? threadPlan(config, hooks.threads) : { threads: 1, from: Infinity };
  let workers: ShardWorkers | null = null;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      const problem = readLine(line, entries, matchers, plan.threads > 1);
      if (problem) {
        bad++;
        hooks.onBadLine?.(lineNo, problem);
      } else if ((entries[entries.length - 1] as Entry).names.length === 0) unmatched++;
      if (plan.threads > 1 && workers === null && entries.length === plan.from)
        workers = new ShardWorkers(plan.threads - 1, config);
    }
    // Observations are applied in the order they were seen; ties keep the file order.
    entries.sort((a, b) => a.at - b.at);
    const times = new Float64Array(entries.length);
    entries.forEach((e, i) => {
      e.index = i;
      times[i] = e.at;
    });
    const shards = entries.length >= plan.from ? shardsOf(entries, plan.threads) : [entries];
    const result = (alerts: AlertPayload[], incidents: ReplayedIncident[]): ReplayResult => ({
      alerts,
      incidents,
      observations: entries.length,
      badLines: bad,
      report: reportOf(alerts, entries.length, bad, unmatched),
      threads: shards.length,
    });
    if (shards.length === 1) {
      await workers?.close();
      workers = null;
      return await replayInOne(config, hooks, times, entries, result);
    }
    workers ??= new ShardWorkers(shards.length - 1, config);
    const remote = workers.run(times, shards.slice(1).map(packShard));
    // Packed: the lines are not needed any more, and a large replay's would stay in memory.
    for (const e of entries) delete e.line;
    const local = await replayShard(config, times, shards[0] as Entry[]);
    const results = [local, ...(await remote)];
    const alerts = mergeAlerts(results, brandRanks(entries));
    for (const alert of alerts) hooks.onAlert?.(alert);
    return result(alerts, results.flatMap((r) => r.incidents).sort(byOpening));
  } finally {
    await workers?.close();
  }
}

/** The replay on this thread alone, with every hook. */
async function replayInOne(
  config: Config,
  hooks: ReplayHooks,
  times: Float64Array,
  all: readonly Entry[],
  result: (alerts: AlertPayload[], incidents: ReplayedIncident[]) => ReplayResult,
): Promise<ReplayResult> {
  const store = hooks.store ?? (await privateStore());
  try {
    const alerts: AlertPayload[] = [];
    await simulate(store, config, hooks, times, all, (_, list) => {
      for (const alert of list) {
        alerts.push(alert);
        hooks.onAlert?.(alert);
      }
    });
    return result(alerts, await readIncidents(store));
  } finally {
    if (!hooks.store) await store.close();
  }
}

/**
 * Replays `mine` (some brands' entries) against the steps of the whole replay: detection runs at
 * the same simulated times whether a brand is replayed alone or beside every other one, since
 * the ticks a quiet brand skips depend on when the next observation, of any brand, comes.
 */
async function simulate(
  store: Store,
  config: Config,
  hooks: Pick<ReplayHooks, 'store' | 'storedSeries' | 'onTick'>,
  times: Float64Array,
  mine: readonly Entry[],
  emit: (step: number, alerts: AlertPayload[]) => void,
): Promise<void> {
  // The memory copy reads back what SQLite stored; on another store detection reads the database.
  const memory =
    !hooks.storedSeries && store.dialect === 'sqlite' && !holdsMentions(store) ? new MemorySeries() : null;
  const sim = new Simulation(store, config, memory, hooks.onTick);
  let k = 0;
  for (let i = 0; i < times.length; i++) {
    const at = times[i] as number;
    if (at >= sim.due) emit(i, await sim.advanceTo(at));
    for (let e = mine[k]; e !== undefined && e.index === i; e = mine[++k]) sim.add(e);
  }
  emit(times.length, await sim.finish());
  // The caller reads the database afterwards: it gets what replay kept in memory too.
  if (hooks.store) sim.sync();
}

/** One shard in a database of its own: what a worker thread runs (src/replay/shard-worker.ts). */
export async function replayShard(
  config: Config,
  times: Float64Array,
  mine: readonly Entry[],
): Promise<ShardResult> {
  const store = await privateStore();
  try {
    const alerts: TaggedAlert[] = [];
    await simulate(store, config, {}, times, mine, (step, list) => {
      for (const alert of list) alerts.push({ step, alert });
    });
    return { alerts, incidents: await readIncidents(store) };
  } finally {
    await store.close();
  }
}

/** A database in memory that only this replay writes: its open incidents can be kept in memory too. */
async function privateStore(): Promise<Store> {
  const store = await connectStore(':memory:');
  keepOpenIncidents(store);
  return store;
}

/** The brands in the order the replay first meets them: the order detection visits them in. */
function brandRanks(entries: readonly Entry[]): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const e of entries) for (const name of e.names) if (!ranks.has(name)) ranks.set(name, ranks.size);
  return ranks;
}

/** The shards' alerts in the order one thread would have decided them. */
function mergeAlerts(results: readonly ShardResult[], ranks: Map<string, number>): AlertPayload[] {
  const rank = (a: AlertPayload) => ranks.get(a.brand) ?? ranks.size;
  // A brand's alerts all come from one shard, in order; the sort is stable.
  return results
    .flatMap((r) => r.alerts)
    .sort((a, b) => a.step - b.step || rank(a.alert) - rank(b.alert))
    .map((t) => t.alert);
}

/** `order by opened_at, id` as SQLite compares text: by UTF-8 bytes, that is by code points. */
function byOpening(a: ReplayedIncident, b: ReplayedIncident): number {
  if (a.openedAt !== b.openedAt) return a.openedAt - b.openedAt;
  return Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));
}

function reportOf(alerts: readonly AlertPayload[], read: number, bad: number, unmatched: number): string {
  const rows = new Map<string, number>();
  for (const a of alerts) {
    const key = `${a.brand}\t${a.at.slice(0, 10)}`;
    rows.set(key, (rows.get(key) ?? 0) + 1);
  }
  const lines = [
    `replay: ${read} observation(s), ${bad} bad line(s), ${unmatched} matched no brand, ${alerts.length} alert(s)`,
  ];
  if (rows.size > 0) lines.push('brand\tday\talerts', ...[...rows].sort().map(([k, n]) => `${k}\t${n}`));
  return `${lines.join('\n')}\n`;
}

function readIncidents(store: Store): Promise<ReplayedIncident[]> {
  return store.all(
    `select id, brand, kind, polarity, severity, status, title, opened_at as "openedAt",
       resolved_at as "resolvedAt", mention_count as "mentionCount"
     from incidents order by opened_at, id`,
  );
}

type Matcher = { name: string; match: (t: string) => boolean };

const matchersOf = (brands: readonly Brand[]): Matcher[] =>
  brands.map((b) => ({ name: b.name, match: compileQuery(b.query) }));

function readLine(
  line: string,
  into: Entry[],
  matchers: readonly Matcher[],
  keepLine: boolean,
): string | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  const obs = toObservation(value);
  if (typeof obs === 'string') return obs;
  const names = obs.brand ? [obs.brand] : matchers.filter((m) => m.match(obs.text)).map((m) => m.name);
  const entry: Entry = { at: Date.parse(obs.observed_at ?? obs.created_at), obs, names, index: -1 };
  if (keepLine) entry.line = line;
  into.push(entry);
  return null;
}

/**
 * A shard as another thread receives it: the lines of its entries read again there, which costs
 * less than copying the objects across, and the brands it replays of those the lines name.
 */
export function unpackShard(packed: PackedShard, config: Config): Entry[] {
  const brands = new Set(packed.brands);
  const matchers = matchersOf(config.brands.filter((b) => brands.has(b.name)));
  const entries: Entry[] = [];
  const lines = packed.lines.split('\n');
  lines.forEach((line, i) => {
    const problem = readLine(line, entries, matchers, false);
    if (problem) throw new Error(`replay thread: line ${i} of its shard: ${problem}`);
    (entries[i] as Entry).index = packed.indexes[i] as number;
  });
  return entries;
}

/** The lines of a shard's entries, their places in the replay's order, and the shard's brands. */
export interface PackedShard {
  lines: string;
  indexes: Int32Array;
  brands: string[];
}

export function packShard(entries: readonly Entry[]): PackedShard {
  const brands = new Set<string>();
  for (const e of entries) for (const name of e.names) brands.add(name);
  return {
    lines: entries.map((e) => e.line as string).join('\n'),
    indexes: Int32Array.from(entries, (e) => e.index),
    brands: [...brands],
  };
}

function write(out: NodeJS.WritableStream, alert: AlertPayload): void {
  const { at, brand, kind, polarity, severity, incident_id, title, mention_ids, evidence, ...rest } = alert;
  out.write(
    `${JSON.stringify({ at, brand, kind, polarity, severity, incident_id, title, mention_ids, evidence, ...rest })}\n`,
  );
}

interface BrandState {
  brand: Brand;
  lastTick: number;
  pending: AnalyzedMention[];
  /** The ids of the brand's mentions observed so far. */
  seen: Set<string>;
  /** The analyses of the brand's texts, for the copies that repeat them. */
  repeats: RepeatedTexts;
}

class Simulation {
  private readonly states = new Map<string, BrandState>();
  private readonly alerts: AlertPayload[] = [];
  /** Later readings of mentions already observed. */
  private readonly rereads = new WeakSet<AnalyzedMention>();
  private readonly series: SeriesReader;
  /** Where mentions are stored when detection reads the memory copy; null to store in the database. */
  private readonly mentions: MemoryStore | null;

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    /** Detection's reads kept in memory as mentions are stored; null to read the database. */
    private readonly memory: MemorySeries | null,
    private readonly onTick?: ReplayHooks['onTick'],
  ) {
    this.series = memory ?? storedSeries(store);
    this.mentions = memory ? new MemoryStore() : null;
  }

  add(e: Entry): void {
    const { obs } = e;
    for (const name of e.names) {
      const st = this.state(name, e.at);
      // The id as read, not a brand-and-id key: a string keeps its hash, a new one is hashed anew.
      const fresh = !st.seen.has(obs.id);
      if (!fresh && !obs.metrics) continue;
      st.seen.add(obs.id);
      const m: Mention = {
        id: obs.id,
        source: obs.source ?? obs.id.split(':')[0] ?? 'replay',
        text: obs.text,
        createdAt: new Date(obs.created_at),
        metrics: obs.metrics ?? {},
      };
      if (obs.url) m.url = obs.url;
      if (obs.author) m.author = { ...obs.author, handle: obs.author.handle ?? '' };
      if (obs.lang) m.lang = obs.lang;
      const observedAt = new Date(e.at);
      // A later reading of a known mention only brings its metrics: it is not analyzed again, nor
      // compared with the brand's texts (its row keeps what its first reading was found to copy).
      if (fresh) {
        const known = st.repeats.of(m.text, m.lang);
        st.pending.push(analyzeMention(m, name, observedAt, st.brand.sentimentModel, known));
        continue;
      }
      const reading: AnalyzedMention = {
        id: m.id,
        source: m.source,
        text: m.text,
        createdAt: m.createdAt,
        metrics: m.metrics,
        sentiment: { label: 'neutral', score: 0 },
        intents: [],
        lang: 'und',
        brand: name,
        observedAt,
      };
      this.rereads.add(reading);
      st.pending.push(reading);
    }
  }

  /**
   * The earliest next tick of any brand: observations before it run no ticks, so twenty brands
   * observed every second are not each asked on every observation.
   */
  due = Infinity;

  /** Runs every detection tick of every brand up to `t`, storing what was observed before each. */
  async advanceTo(t: number): Promise<AlertPayload[]> {
    let due = Infinity;
    for (const st of this.states.values()) {
      await this.runTicks(st, t);
      due = Math.min(due, st.lastTick + st.brand.detection.every);
    }
    this.due = due;
    return this.alerts.splice(0);
  }

  /** The ticks after the last observation: what was observed last is detected too. */
  async finish(): Promise<AlertPayload[]> {
    for (const st of this.states.values()) {
      const last = st.pending[st.pending.length - 1];
      if (last) await this.runTicks(st, last.observedAt.getTime() + st.brand.detection.every);
    }
    return this.alerts.splice(0);
  }

  private async runTicks(st: BrandState, t: number): Promise<void> {
    const every = st.brand.detection.every;
    let next = st.lastTick + every;
    while (next <= t) {
      // Nothing waiting: jump to the last tick before t and run once there, which is where the
      // daemon would have resolved a quiet incident; with no incident open, that tick is skipped
      // too. Runs stay proportional to the data, not the span. Slow rules (souring, drops, waiting
      // complaints) run on quarter hours: those ticks are kept.
      if (st.pending.length === 0) {
        const last = Math.floor(t / every) * every;
        const slow = Math.ceil(next / SLOW_EVERY) * SLOW_EVERY;
        if (slow <= last) next = Math.max(next, slow);
        else if (!(await hasOpenIncidents(this.store, st.brand.name))) {
          st.lastTick = Math.max(st.lastTick, last);
          return;
        } else next = Math.max(next, last);
      }
      await this.flush(st, next);
      if (this.onTick) {
        this.sync();
        await this.onTick(st.brand.name, next, this.series);
      }
      const created = await runDetection(this.store, this.config, st.brand, next, this.series);
      this.alerts.push(...created);
      st.lastTick = next;
      next += every;
    }
  }

  private async flush(st: BrandState, upTo: number): Promise<void> {
    let n = 0;
    while (n < st.pending.length && (st.pending[n]?.observedAt.getTime() ?? Infinity) <= upTo) n++;
    if (n === 0) return;
    const batch = st.pending.splice(0, n);
    await markCopies(
      this.store,
      st.brand,
      batch.filter((m) => !this.rereads.has(m)),
      upTo,
    );
    const name = st.brand.name;
    const { memory, mentions } = this;
    if (memory && mentions) {
      const stored = mentions.store(name, 'replay', batch, upTo, rescore);
      memory.record(name, batch, stored.inserted, (ids) => mentions.readBack(name, ids));
      return;
    }
    const stored = await this.store.tx(() => storeMentions(this.store, name, 'replay', batch, upTo, rescore));
    memory?.record(name, batch, stored.inserted, (ids) => readBack(this.store, name, ids));
  }

  /** Puts the mentions held in memory into the database, before anything reads them there. */
  sync(): void {
    if (this.mentions?.behind) this.mentions.sync(sqliteOf(this.store));
  }

  private state(name: string, at: number): BrandState {
    let st = this.states.get(name);
    if (!st) {
      const brand = this.config.brands.find((b) => b.name === name) ?? {
        name,
        displayName: name,
        query: name,
        competitors: [],
        digest: false,
        timezone: 'UTC',
        sources: [],
        detection: this.config.detection,
      };
      const every = brand.detection.every;
      st = {
        brand,
        lastTick: Math.floor(at / every) * every,
        pending: [],
        seen: new Set(),
        repeats: new RepeatedTexts(brand.sentimentModel),
      };
      this.states.set(name, st);
      this.due = Math.min(this.due, st.lastTick + every);
    }
    return st;
  }
}
