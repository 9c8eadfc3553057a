// `npm run bench:ops`: the operations figures of issue 8 in one table, each with its goal.
//
// 1. ingest end to end in one process: bench/ingest.ts's measurement (Hacker News' fake);
// 2. ingest by real daemons (`earshot start`, BullMQ on REDIS_URL with a queue prefix of their own,
//    one SQLite file in WAL mode): one daemon, then two sharing the work, with the check that every
//    poll ran once and every mention was stored once;
// 3. `analyze` throughput (bench/analyze.ts); 4. replay throughput (bench/replay.ts);
// 5. alert latency at a steady rate below capacity (bench/deliver.ts);
// 6. the resident memory of a daemon (embedded queue and SQLite) after storing 1,000,000 mentions
//    (EARSHOT_BENCH_QUICK=1: 100,000, and the table says so).
//
// `npm run bench` measures 1, 3, 4 and 5 once for its own tables and hands the figures over.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { pollJob } from '../jobs/poll.ts';
import { BullQueue } from '../src/queue/bullmq.ts';
import { redisAnswers } from '../tests/helpers/redis.ts';
import { measureAnalyze, type AnalyzeFigures } from './analyze.ts';
import { deliveryQueues, measureDelivery, steadyLoad, type DeliveryRun } from './deliver.ts';
import { measureIngest, type IngestFigures } from './ingest.ts';
import { main as measureReplays, STREAMS, type ReplayFigures } from './replay.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/earshot.js');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Each poll of the fake brings this many new mentions (10 pages of 100). */
const PER_POLL = 1_000;

// ---------------------------------------------------------------------------------------------
// The fake source (bench/ops-source.ts, another process)

interface Fake {
  /** Where a source entry of brand `b`, variant `v` points its api_url. */
  url(b: number, v: number): string;
  round(n: number): Promise<void>;
  stats(): Promise<{ requests: number; firstPages: Record<string, number> }>;
  close(): Promise<void>;
}

function startFake(variants: number, spreadMs: number): Promise<Fake> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench/ops-source.ts'), String(variants), String(spreadMs)],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  const next = () =>
    new Promise<string>((resolve) => {
      const l = lines.shift();
      if (l !== undefined) resolve(l);
      else waiting.push(resolve);
    });
  const ask = (cmd: string) => {
    child.stdin.write(`${cmd}\n`);
    return next();
  };
  return next().then((first) => {
    const port = Number(/PORT (\d+)/.exec(first)?.[1]);
    return {
      url: (b, v) => `http://127.0.0.1:${port}/b${b}/v${v}`,
      round: async (n) => void (await ask(`round ${n}`)),
      stats: async () => JSON.parse(await ask('stats')) as Awaited<ReturnType<Fake['stats']>>,
      close: () =>
        new Promise<void>((resolve) => {
          child.on('exit', () => resolve());
          child.stdin.end();
        }),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Daemons: `node bin/earshot.js start`, each in its own process

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A configuration of `brands` brands, each with `entries` Hacker News entries on the fake.
 * `storingOnly`: no digests (a start catches up on three days of them, which for 100 brands is
 * minutes of chart drawing) and no engagement re-reads, so that the daemon does what is measured.
 */
function writeConfig(dir: string, fake: Fake, brands: number, entries: number, storingOnly = false): string {
  const config = {
    ...(storingOnly ? { sources: { refresh_age: '1m' } } : {}),
    brands: Array.from({ length: brands }, (_, b) => ({
      name: `b${b}`,
      query: 'acme',
      ...(storingOnly ? { digest: false } : {}),
      sources: Array.from({ length: entries }, (_, v) => ({
        source: 'hackernews',
        name: `h${v}`,
        // Polled once at start, then by the benchmark's own rounds: nothing else polls meanwhile.
        every: '1h',
        api_url: fake.url(b, v),
        tags: ['comment'],
        pace_ms: 0,
      })),
    })),
  };
  const file = path.join(dir, 'earshot.yml');
  writeFileSync(file, JSON.stringify(config, null, 1)); // JSON is YAML
  return file;
}

interface DaemonProcess {
  child: ChildProcess;
  pid: number;
  /** The last 64 kB it logged. */
  logs(): string;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

async function startDaemonProcess(opts: {
  configFile: string;
  dataDir: string;
  redis?: { url: string; prefix: string };
  logLevel?: string;
  nodeOptions?: string;
}): Promise<DaemonProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  // MALLOC_ARENA_MAX passes, to try glibc's arenas (see README, "Benchmarks"); EARSHOT_HEAP_TRIM=0
  // turns the idle heap trim off, to measure without it.
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'MALLOC_ARENA_MAX', 'EARSHOT_HEAP_TRIM'])
    if (process.env[k] !== undefined) env[k] = process.env[k];
  Object.assign(env, {
    EARSHOT_ENV_FILE: '',
    EARSHOT_CONFIG: opts.configFile,
    EARSHOT_DATA_DIR: opts.dataDir,
    EARSHOT_HTTP_LISTEN: `127.0.0.1:${port}`,
    LOG_FORMAT: 'json',
    LOG_LEVEL: opts.logLevel ?? 'info',
    ...(opts.redis ? { REDIS_URL: opts.redis.url, EARSHOT_QUEUE_PREFIX: opts.redis.prefix } : {}),
    ...(opts.nodeOptions ? { NODE_OPTIONS: opts.nodeOptions } : {}),
  });
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: opts.dataDir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.length > 128_000) out = out.slice(-64_000);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the daemon exited at start:\n${out.slice(-4_000)}`);
    // Served once the workers are set up (startDaemon starts HTTP last).
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > until) throw new Error(`the daemon did not start within 60 s:\n${out.slice(-4_000)}`);
    await sleep(100);
  }
  return {
    child,
    pid: child.pid as number,
    logs: () => out,
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sum of a metric's samples (all labels) in Prometheus text. */
function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

/** kB figures of /proc/PID/status (VmRSS, VmHWM, and RssAnon / RssFile: what is the process's own, what is mapped files). */
function procStatus(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const m = /^((?:Vm|Rss)\w+):\s+(\d+) kB/.exec(line);
      if (m) out[m[1] as string] = Number(m[2]);
    }
  } catch {
    // not Linux: /metrics' process_resident_memory_bytes is read instead
  }
  return out;
}

/** Mentions in the SQLite file, read by a connection of our own, read-only (WAL lets it read beside the writers). */
function mentionCounter(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const count = db.prepare<[], { n: number }>('select count(*) as n from mentions');
  const distinct = db.prepare<[], { n: number }>(
    'select count(*) as n from (select distinct brand, id from mentions)',
  );
  return {
    count: () => count.get()?.n ?? 0,
    distinct: () => distinct.get()?.n ?? 0,
    close: () => db.close(),
  };
}

async function dropPrefix(prefix: string): Promise<void> {
  // BullMQ keeps finished jobs an hour: a run's keys would pile up in the shared Redis.
  const r = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

export interface DaemonIngestFigures {
  daemons: number;
  mentions: number;
  stored: number;
  secs: number;
  perSec: number;
  /** What each daemon says it stored (its earshot_mentions_stored_total). */
  byDaemon: number[];
  /** (brand, entry) pairs polled other than exactly once in the measured round. */
  pollsNotOnce: number;
  /** Rows with the same (brand, id): none, unless the primary key failed. */
  doubled: number;
}

/**
 * `daemons` daemons on one Redis (a queue prefix of their own) and one SQLite file. They start on
 * an empty fake, so that their start-up polls bring nothing; then one round of polls is queued the
 * way their schedules queue them (one job a brand and entry, the same id in every process), the
 * fake serving 1,000 new mentions a poll. Times the round from queueing to the last row stored.
 */
export async function measureDaemonIngest(
  daemons: number,
  opts: { brands?: number; entries?: number } = {},
): Promise<DaemonIngestFigures> {
  const brands = opts.brands ?? Number(process.env.BENCH_OPS_BRANDS ?? 30);
  const entries = opts.entries ?? 4;
  const fake = await startFake(entries, 3_600_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-ops-'));
  const prefix = `bench-ops-${randomUUID()}`;
  const redis = { url: REDIS_URL, prefix };
  const configFile = writeConfig(dir, fake, brands, entries, true);
  const procs: DaemonProcess[] = [];
  const queue = new BullQueue({ url: REDIS_URL, prefix });
  let counter: ReturnType<typeof mentionCounter> | undefined;
  try {
    // One after the other: the first creates and migrates the file (see README, "Running many workers").
    for (let i = 0; i < daemons; i++)
      procs.push(await startDaemonProcess({ configFile, dataDir: dir, redis }));
    const pairs = brands * entries;
    // Their start-up polls (one a brand and entry, shared) find the fake empty; wait for them all.
    const until = Date.now() + 60_000;
    while (Object.values((await fake.stats()).firstPages).reduce((a, n) => a + n, 0) < pairs) {
      if (Date.now() > until) throw new Error('the start-up polls did not all run within 60 s');
      await sleep(100);
    }
    await queue.drain('poll', 60_000);
    const before = (await fake.stats()).firstPages;
    await fake.round(1);
    counter = mentionCounter(path.join(dir, 'earshot.db'));
    const mentions = pairs * PER_POLL;
    const tick = Date.now();
    const t0 = performance.now();
    await queue.addBulk(
      'poll',
      Array.from({ length: pairs }, (_, i) => {
        const b = `b${Math.floor(i / entries)}`;
        const source = `h${i % entries}`;
        return {
          data: { brand: b, source, tick },
          opts: { jobId: pollJob.jobId(b, source, tick), attempts: pollJob.attempts },
        };
      }),
    );
    let stored = 0;
    let t1 = t0;
    const deadline = t0 + 180_000;
    while (performance.now() < deadline) {
      const n = counter.count();
      if (n !== stored) {
        stored = n;
        t1 = performance.now();
      }
      if (stored >= mentions) break;
      // count(*) reads the table: often enough to time the round, rarely enough not to slow it.
      await sleep(200);
    }
    await queue.drain('poll', 30_000).catch(() => undefined);
    const after = (await fake.stats()).firstPages;
    let pollsNotOnce = 0;
    for (let b = 0; b < brands; b++)
      for (let v = 0; v < entries; v++) {
        const key = `${b}/${v}`;
        if ((after[key] ?? 0) - (before[key] ?? 0) !== 1) pollsNotOnce++;
      }
    const byDaemon = await Promise.all(
      procs.map(async (p) => metricSum(await p.metrics(), 'earshot_mentions_stored_total')),
    );
    const secs = (t1 - t0) / 1000;
    return {
      daemons,
      mentions,
      stored: counter.count(),
      secs,
      perSec: stored / secs,
      byDaemon,
      pollsNotOnce,
      doubled: counter.count() - counter.distinct(),
    };
  } finally {
    counter?.close();
    await Promise.all(procs.map((p) => p.stop()));
    await queue.close();
    await dropPrefix(prefix);
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** BENCH_HEAP_SNAPSHOT=DIR: the daemon writes a heap snapshot (SIGUSR2), moved to DIR. */
async function heapSnapshot(proc: DaemonProcess, cwd: string, to: string): Promise<void> {
  proc.child.kill('SIGUSR2');
  const until = Date.now() + 120_000;
  for (;;) {
    // Named Heap.<date>.<time>.<pid>.<n>.heapsnapshot, in the daemon's folder; complete once
    // the daemon's memory figures move again (it stops to write).
    const file = readdirSync(cwd).find((f) => f.endsWith('.heapsnapshot'));
    if (file) {
      let size = -1;
      while (size !== statSync(path.join(cwd, file)).size) {
        size = statSync(path.join(cwd, file)).size;
        await sleep(2_000);
      }
      renameSync(path.join(cwd, file), path.join(to, `ops-memory-${Date.now()}.heapsnapshot`));
      return;
    }
    if (Date.now() > until) throw new Error('no heap snapshot within 120 s');
    await sleep(500);
  }
}

export interface MemoryFigures {
  mentions: number;
  stored: number;
  /** Seconds from start to the last mention stored. */
  ingestSecs: number;
  rssMb: number;
  peakMb: number;
  /** Of the RSS: anonymous memory (heaps, SQLite's cache) and mapped files (node's own code). */
  anonMb: number;
  fileMb: number;
  heapUsedMb: number;
  /** What V8 holds for its heap, used or not. */
  heapTotalMb: number;
  externalMb: number;
}

/**
 * One daemon (embedded queue, SQLite file) with 100 brands of 10 Hacker News entries (10 brands
 * when quick): every entry is polled at start and brings 1,000 mentions posted over the last 30
 * days. Once all are stored and the daemon has been idle a few seconds, reads its resident memory.
 */
export async function measureMemory(mentions: number): Promise<MemoryFigures> {
  const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT;
  // BENCH_OPS_NODE_OPTIONS: the daemon's NODE_OPTIONS, to try heap limits (--max-old-space-size=…).
  const nodeOptions = [process.env.BENCH_OPS_NODE_OPTIONS, snapshotDir ? '--heapsnapshot-signal=SIGUSR2' : '']
    .filter(Boolean)
    .join(' ');
  const entries = 10;
  const brands = Math.ceil(mentions / (entries * PER_POLL));
  const fake = await startFake(entries, 30 * 86_400_000);
  await fake.round(1);
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-ops-mem-'));
  const configFile = writeConfig(dir, fake, brands, entries, true);
  let proc: DaemonProcess | undefined;
  let counter: ReturnType<typeof mentionCounter> | undefined;
  try {
    const t0 = performance.now();
    proc = await startDaemonProcess({
      configFile,
      dataDir: dir,
      logLevel: 'warn',
      ...(nodeOptions ? { nodeOptions } : {}),
    });
    counter = mentionCounter(path.join(dir, 'earshot.db'));
    const target = brands * entries * PER_POLL;
    let stored = 0;
    let t1 = t0;
    const deadline = t0 + 1_200_000;
    while (performance.now() < deadline) {
      const n = counter.count();
      if (n !== stored) [stored, t1] = [n, performance.now()];
      if (stored >= target) break;
      await sleep(1_000);
    }
    if (stored < target)
      throw new Error(`only ${stored} of ${target} mentions stored:\n${proc.logs().slice(-4_000)}`);
    // The detections the polls queued, then a moment of quiet.
    await sleep(5_000);
    const status = procStatus(proc.pid);
    const metrics = await proc.metrics();
    if (snapshotDir) await heapSnapshot(proc, dir, snapshotDir);
    const mb = (bytes: number) => bytes / 1024 / 1024;
    return {
      mentions: target,
      stored,
      ingestSecs: (t1 - t0) / 1000,
      rssMb: status.VmRSS ? status.VmRSS / 1024 : mb(metricSum(metrics, 'process_resident_memory_bytes')),
      peakMb: (status.VmHWM ?? NaN) / 1024,
      anonMb: (status.RssAnon ?? NaN) / 1024,
      fileMb: (status.RssFile ?? NaN) / 1024,
      heapUsedMb: mb(metricSum(metrics, 'nodejs_heap_size_used_bytes')),
      heapTotalMb: mb(metricSum(metrics, 'nodejs_heap_size_total_bytes')),
      externalMb: mb(metricSum(metrics, 'nodejs_external_memory_bytes')),
    };
  } finally {
    counter?.close();
    await proc?.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The table

interface Row {
  figure: string;
  value: string;
  unit: string;
  goal: string;
  verdict: 'met' | 'not met' | '–';
  note: string;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const judge = (ok: boolean): Row['verdict'] => (ok ? 'met' : 'not met');

/** What `npm run bench` measured already for its own tables: not measured again here. */
export interface Given {
  ingest?: IngestFigures[];
  analyze?: AnalyzeFigures | null;
  replay?: ReplayFigures[];
  deliveries?: DeliveryRun[];
}

function ingestRow(f: IngestFigures, all: IngestFigures[]): Row {
  const others = all.filter((o) => o.source !== f.source);
  const slowest = others.length > 0 ? others.reduce((a, b) => (b.perSec < a.perSec ? b : a)) : null;
  return {
    figure: `ingest end to end, one process (${f.source} fake; poll, normalize, match, analyze, store)`,
    value: fmt(f.perSec),
    unit: 'mentions/s',
    goal: '≥ 20,000 (issue 3)',
    verdict: judge(f.perSec >= 20_000),
    note:
      `${fmt(f.perCpuSec)} a CPU-second; ${f.perPoll} a poll, 4 polls in flight (bench/ingest.ts)` +
      (slowest ? `; slowest of ${all.length} sources: ${slowest.source} ${fmt(slowest.perSec)}/s` : ''),
  };
}

function daemonRows(one: DaemonIngestFigures, two: DaemonIngestFigures): Row[] {
  const exact = (f: DaemonIngestFigures) =>
    f.stored === f.mentions &&
    f.doubled === 0 &&
    f.pollsNotOnce === 0 &&
    f.byDaemon.reduce((a, b) => a + b, 0) === f.stored;
  const ratio = two.perSec / one.perSec;
  const share = two.byDaemon.map((n) => `${Math.round((100 * n) / Math.max(1, two.stored))} %`).join(' / ');
  const scaling =
    ratio >= 1.5
      ? 'scales'
      : `does not scale: one SQLite file takes one writer at a time, and the ${os.cpus().length} cores also run the fake, Redis and the other's waits`;
  return [
    {
      figure: 'ingest by one daemon (`earshot start`, BullMQ, SQLite file in WAL mode)',
      value: fmt(one.perSec),
      unit: 'mentions/s',
      goal: '≥ 20,000 (issue 3)',
      verdict: judge(one.perSec >= 20_000),
      note: `${fmt(one.mentions)} mentions of ${fmt(one.mentions / PER_POLL)} polls in ${one.secs.toFixed(1)} s, detection included; stored once each: ${exact(one) ? 'yes' : 'NO'}`,
    },
    {
      figure: 'ingest by two daemons on one Redis and one SQLite file',
      value: fmt(two.perSec),
      unit: 'mentions/s',
      goal: '–',
      verdict: '–',
      note:
        `× ${ratio.toFixed(2)} one daemon (${scaling}); stored ${share} by each; ` +
        `every poll ran once and every mention was stored once: ${exact(two) ? 'yes' : `NO (${two.stored} of ${two.mentions} stored, ${two.doubled} doubled, ${two.pollsNotOnce} polls not run exactly once, counters ${two.byDaemon.join('+')})`}`,
    },
  ];
}

function analyzeRows(f: AnalyzeFigures | null): Row[] {
  if (!f)
    return [
      {
        figure: '`analyze` throughput, every field',
        value: 'not measured',
        unit: 'texts/s',
        goal: '≥ 40,000 (issue 4)',
        verdict: '–',
        note: 'the tweets of ../shared/data are absent (set EARSHOT_BENCH_DATA)',
      },
    ];
  return [
    {
      figure: '`analyze` throughput, every field (one core)',
      value: fmt(f.full),
      unit: 'texts/s',
      goal: '≥ 40,000 (issue 4)',
      verdict: judge(f.full >= 40_000),
      note: `sentiment + intents + language alone: ${fmt(f.analyze)}/s (bench/analyze.ts)`,
    },
    ...(f.sentiment === undefined
      ? []
      : [
          {
            figure: 'sentiment alone (one core)',
            value: fmt(f.sentiment),
            unit: 'texts/s',
            goal: '≥ 100,000 (issue 4)',
            verdict: judge(f.sentiment >= 100_000),
            note: 'scoreSentiment on the tweets of tweeteval_val (bench/analyze.ts)',
          },
        ]),
  ];
}

function replayRow(f: ReplayFigures): Row {
  return {
    figure: `replay throughput (${STREAMS[f.stream]}, detection every simulated minute)`,
    value: fmt(f.perSec),
    unit: 'observations/s',
    goal: '≥ 50,000 (issue 5)',
    verdict: judge(f.perSec >= 50_000),
    note: `${fmt(f.observations)} observations in ${f.secs.toFixed(1)} s, ${f.threads} thread(s), ${f.built ? 'dist/' : 'tsx'} (bench/replay.ts)`,
  };
}

function latencyRows(runs: DeliveryRun[]): Row[] {
  return runs
    .filter((r) => r.steady)
    .flatMap((r) => {
      const name = r.queue === 'bullmq' ? 'BullMQ' : 'embedded queue';
      const f = r.figures;
      return [
        {
          figure: `alert latency p50, ${name}, ${r.load} (creation → webhook received)`,
          value: fmt(f.p50),
          unit: 'ms',
          goal: '–',
          verdict: '–' as const,
          note: `${f.delivered} delivered (bench/deliver.ts)`,
        },
        {
          figure: `alert latency p99, ${name}, ${r.load}`,
          value: fmt(f.p99),
          unit: 'ms',
          goal: '< 250 (issue 6)',
          verdict: judge(f.p99 < 250),
          note: '',
        },
      ];
    });
}

function memoryRow(f: MemoryFigures, quick: boolean): Row {
  return {
    figure: `daemon memory (RSS) after storing ${fmt(f.mentions)} mentions (embedded queue, SQLite file)`,
    value: fmt(f.rssMb),
    unit: 'MB',
    goal: quick ? '≤ 200 (issue 8, for 1,000,000)' : '≤ 200 (issue 8)',
    verdict: quick ? '–' : judge(f.rssMb <= 200),
    note:
      (quick ? 'EARSHOT_BENCH_QUICK=1: 100,000 mentions, not the 1,000,000 of the goal; ' : '') +
      `peak ${fmt(f.peakMb)} MB; ${fmt(f.anonMb)} MB anonymous, ${fmt(f.fileMb)} MB mapped files; V8 heap ${fmt(f.heapUsedMb)} MB in use of ${fmt(f.heapTotalMb)} MB held, ${fmt(f.externalMb)} MB external; ${Math.round(f.mentions / 10_000)} brands × 10 Hacker News entries, posted over 30 days, no digests nor re-reads; stored at ${fmt(f.stored / f.ingestSecs)}/s from start`,
  };
}

function printTable(rows: Row[]): void {
  const head: Row = {
    figure: 'figure',
    value: 'measured',
    unit: 'unit',
    goal: 'goal',
    verdict: '–',
    note: 'note',
  };
  const cols = ['figure', 'value', 'unit', 'goal', 'verdict', 'note'] as const;
  const cells = [head, ...rows].map((r, i) =>
    cols.map((c) => (i === 0 && c === 'verdict' ? 'met?' : String(r[c]))),
  );
  const width = cols.map((_, j) => Math.max(...cells.map((r) => (r[j] as string).length)));
  const line = (r: string[]) => `| ${r.map((c, j) => c.padEnd(width[j] as number)).join(' | ')} |`;
  console.log(line(cells[0] as string[]));
  console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

async function measureAllButMemory(given: Given, rows: Row[], say: (what: string) => void): Promise<void> {
  say('ingest in one process');
  const ingest = given.ingest ?? [
    await measureIngest('hackernews', Number(process.env.BENCH_INGEST_SECONDS ?? 3)),
  ];
  const hn = ingest.find((f) => f.source === 'hackernews') ?? ingest[0];
  if (hn) rows.push(ingestRow(hn, ingest));

  if (await redisAnswers()) {
    say('ingest by one daemon');
    const one = await measureDaemonIngest(1);
    say('ingest by two daemons');
    const two = await measureDaemonIngest(2);
    rows.push(...daemonRows(one, two));
  } else {
    rows.push({
      figure: 'ingest by one and by two daemons',
      value: 'not measured',
      unit: 'mentions/s',
      goal: '–',
      verdict: '–',
      note: `Redis does not answer at ${REDIS_URL}: daemons share their work through it`,
    });
  }

  say('analyze');
  rows.push(...analyzeRows(given.analyze !== undefined ? given.analyze : measureAnalyze()));
  say('replay');
  rows.push(...(given.replay ?? (await measureReplays())).map(replayRow));

  say('alert latency');
  let runs = given.deliveries;
  if (!runs) {
    const steady = steadyLoad();
    runs = [];
    for (const queue of (await deliveryQueues()).queues)
      runs.push({
        queue,
        steady: true,
        load: steady.label,
        figures: await measureDelivery(queue, steady.n, steady.rate),
      });
  }
  rows.push(...latencyRows(runs));
}

export async function main(given: Given = {}): Promise<void> {
  const quick = process.env.EARSHOT_BENCH_QUICK === '1';
  const rows: Row[] = [];
  const say = (what: string) => process.stderr.write(`bench:ops: ${what}…\n`);
  const load = os.loadavg().map((l) => l.toFixed(2));
  const started = performance.now();

  // BENCH_OPS_ONLY=memory: the memory row alone (the other rows take minutes and a busy machine's CPU).
  const only = process.env.BENCH_OPS_ONLY;
  if (only !== undefined && only !== 'memory')
    throw new Error(`BENCH_OPS_ONLY=${only}: only "memory" is known`);
  if (only !== 'memory') await measureAllButMemory(given, rows, say);

  const mentions = quick ? 100_000 : 1_000_000;
  say(`memory after storing ${fmt(mentions)} mentions`);
  rows.push(memoryRow(await measureMemory(mentions), quick));

  const secs = (performance.now() - started) / 1000;
  console.log(
    `\noperations (issue 8): ${os.cpus().length} cores, load average ${load.join(' ')} at the start, ${os.loadavg()[0]?.toFixed(2)} at the end; ${Math.round(secs)} s` +
      (quick ? '; EARSHOT_BENCH_QUICK=1 (memory after 100,000 mentions)' : ''),
  );
  printTable(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
