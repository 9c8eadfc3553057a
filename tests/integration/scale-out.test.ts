import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { readdirSync } from 'node:fs';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookBody } from '../../src/alerts/channels/webhook.ts';
import { detectJob } from '../../jobs/detect.ts';
import { pollJob } from '../../jobs/poll.ts';
import { startFeedServer, type FeedItem } from '../fakes/feed-server.ts';
import { startReceiver } from '../fakes/receiver-server.ts';
import { cleanEnv, runCli, startCli, tempDir, waitUntil, type Running } from '../helpers/cli.ts';
import { DaemonRows, ON_POSTGRES } from '../helpers/db.ts';
import { processOfConnection } from '../helpers/sockets.ts';

// Issue 8: two daemons (`earshot start`, two child processes) on one Redis and one database share
// the work, and each poll, detection and alert happens once. Six brands, each with a feed of its
// own on a fake feed host that records every request and which process sent it; one webhook
// receiver that records every alert. Every poll and detection logs its job id (the same in every
// process), and BullMQ keeps, on each finished job, the process that ran it and how often it was
// started: the test holds the two accounts (what the processes say, what Redis kept) against each
// other and against what the fakes saw.

/**
 * Everything the test reads from the database, in one place, on the suite's database (SQLite or
 * PostgreSQL). Empty while the daemon has not created the tables.
 */
async function counts(rows: DaemonRows): Promise<Stored> {
  const out: Stored = { mentions: {}, counted: {}, incidents: [], alerts: [], deliveries: [] };
  for (const r of await rows.all<{ brand: string; id: string }>(
    'select brand, id from mentions order by brand, id',
  ))
    (out.mentions[r.brand] ??= []).push(r.id);
  for (const r of await rows.all<{ brand: string; n: number | string }>(
    'select brand, sum(n) as n from mention_counts group by brand',
  ))
    out.counted[r.brand] = Number(r.n);
  out.incidents = await rows.all('select id, brand, kind from incidents order by id');
  out.alerts = await rows.all('select id, incident_id as "incidentId", brand from alerts order by id');
  out.deliveries = (
    await rows.all<{ alertId: string; channel: string; status: string; attempts: number | string }>(
      'select alert_id as "alertId", channel, status, attempts from deliveries order by id',
    )
  ).map((d) => ({ ...d, attempts: Number(d.attempts) }));
  return out;
}

interface Stored {
  /** Mention ids per brand. */
  mentions: Record<string, string[]>;
  /** Mentions per brand as the hourly counts have them (what baselines and detection read). */
  counted: Record<string, number>;
  incidents: { id: string; brand: string; kind: string }[];
  alerts: { id: string; incidentId: string; brand: string }[];
  deliveries: { alertId: string; channel: string; status: string; attempts: number }[];
}

const REDIS = 'redis://127.0.0.1:6379';
const BRANDS = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
/** Brands whose story turns negative while both daemons run, and after one was killed. */
const FIRST_STORY = ['b1', 'b2', 'b3'];
const SECOND_STORY = ['b4', 'b5'];
/** The brand whose poll is held at the fake feed host while the daemon running it is killed. */
const HELD = 'b6';

const neutral = (brand: string, i: number): FeedItem => ({
  id: `${brand}-n${i}`,
  title: `Acme flight ${i} departs on schedule`,
  body: 'The Acme airline flight left the gate on time today.',
  link: `https://news.example/${brand}/n${i}`,
  published: new Date(Date.now() - 60_000),
  author: 'reporter',
});
const negative = (brand: string, i: number): FeedItem => ({
  id: `${brand}-bad${i}`,
  title: `Acme airline broke my guitar ${i}`,
  body: 'Terrible service, awful staff, my luggage was destroyed and nobody helped. Worst flight ever, never again.',
  link: `https://social.example/${brand}/bad${i}`,
  published: new Date(),
  author: `angry${i}`,
});
const calm = (brand: string) => [neutral(brand, 1), neutral(brand, 2)];
const burst = (brand: string) => [...calm(brand), ...[1, 2, 3, 4, 5, 6].map((i) => negative(brand, i))];

function configYaml(feedUrl: (p: string) => string, hookUrl: string): string {
  const brands = BRANDS.map(
    (b) => `  - name: ${b}
    query: 'acme AND (flight OR airline OR luggage)'
    sources:
      - source: rss
        every: 2s
        feeds: ['${feedUrl(`/${b}.xml`)}']`,
  ).join('\n');
  return `brands:
${brands}
detection:
  every: 1s
  min_negative: 5
  critical_ratio: 1000
  # Brands configured a moment ago: no warm-up, so that the test's stories alert.
  warmup: 0s
channels:
  hook:
    type: webhook
    url: '${hookUrl}'
    secret: whsec-0123456789abcdef
routes:
  - channels: [hook]
`;
}

/** One line of a daemon's JSON log, with the fields this test reads. */
interface LogLine {
  msg: string;
  jobId?: string;
  incident?: string;
}

function logLines(d: Running): LogLine[] {
  const out: LogLine[] = [];
  for (const line of d.logs().split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as LogLine);
    } catch {
      // the line being written
    }
  }
  return out;
}

/** What a daemon's log says it did: the job ids of its polls and detections, its alerts and sends. */
function workOf(d: Running) {
  const lines = logLines(d);
  const jobs = (re: RegExp) => lines.filter((l) => l.jobId && re.test(l.msg)).map((l) => l.jobId as string);
  return {
    polls: jobs(/^(polled|poll of) rss for /),
    detections: jobs(/^detection of /),
    incidents: lines.filter((l) => l.msg.startsWith('alert: ')).map((l) => l.incident as string),
    delivered: lines
      .map((l) => /^delivered alert (\S+) to hook$/.exec(l.msg)?.[1])
      .filter((id): id is string => id !== undefined),
  };
}

/** `poll|b1|rss|1764650000000` → brand and tick. */
const jobParts = (id: string) => {
  const parts = id.split('|');
  return { brand: parts[1] as string, tick: Number(parts[parts.length - 1]) };
};
const brandOf = (id: string) => jobParts(id).brand;
/** A job's (brand, tick): what must happen once, whatever the job's id. */
const slotOf = (id: string) => {
  const { brand, tick } = jobParts(id);
  return `${brand}@${tick}`;
};
const tally = (ids: string[]) => {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
};

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

// Linux only: which process sent each request is read from /proc (tests/helpers/sockets.ts).
describe.skipIf(process.platform !== 'linux')('two daemons on one Redis and one database', () => {
  it('share the polls, detections and alerts, each done once, and one carries on alone when the other is killed', async () => {
    const tmp = tempDir();
    closers.push(() => tmp.cleanup());
    const pids: number[] = [];
    const feed = await startFeedServer({
      clientOf: (peer) => {
        const pid = processOfConnection(peer, pids);
        return pid === undefined ? undefined : String(pid);
      },
    });
    const hook = await startReceiver();
    closers.push(
      () => feed.close(),
      () => hook.close(),
    );
    for (const b of BRANDS) feed.setFeed(`/${b}.xml`, { kind: 'rss', items: calm(b) });
    const served = new Map(BRANDS.map((b) => [b, calm(b)]));
    const serve = (b: string, items: FeedItem[]) => {
      served.set(b, items);
      feed.setFeed(`/${b}.xml`, { kind: 'rss', items });
    };

    const prefix = `scale-${randomUUID()}`;
    const queues = new Map(
      (['poll', 'detect', 'deliver'] as const).map((q) => [
        q,
        new Queue(q, { connection: { host: '127.0.0.1', port: 6379 }, prefix }),
      ]),
    );
    closers.push(async () => {
      for (const q of queues.values()) await q.close();
      const r = new Redis(REDIS);
      const keys = await r.keys(`${prefix}:*`);
      if (keys.length > 0) await r.del(...keys);
      r.disconnect();
    });
    const queue = (q: 'poll' | 'detect' | 'deliver') => queues.get(q) as Queue;
    /** What BullMQ's event stream of a queue says of one job, oldest first. */
    const eventsOf = async (q: string, jobId: string) => {
      const r = new Redis(REDIS);
      try {
        const entries = await r.xrange(`${prefix}:${q}:events`, '-', '+');
        const said = entries
          .map(([, f]) => Object.fromEntries(f.flatMap((v, i) => (i % 2 ? [] : [[v, f[i + 1]]]))))
          .filter((e) => e.jobId === jobId)
          .map((e) => e.event);
        return `${said.join(', ') || 'none'} (of ${entries.length} in the stream)`;
      } finally {
        r.disconnect();
      }
    };

    const env = cleanEnv({
      EARSHOT_CONFIG: tmp.file('earshot.yml', configYaml(feed.url, hook.url('/in'))),
      EARSHOT_DATA_DIR: tmp.dir,
      REDIS_URL: REDIS,
      EARSHOT_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
    });
    const rows = new DaemonRows(tmp.dir);
    closers.push(() => rows.close());
    // Migrated once before the daemons start, as an operator scaling out does.
    const migrated = await runCli(['migrate'], { env });
    expect(migrated.code, migrated.stderr).toBe(0);

    const a = startCli(['start'], env);
    const b = startCli(['start'], env);
    for (const d of [a, b]) {
      closers.push(async () => {
        if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGKILL');
        await d.exited;
      });
      pids.push(d.child.pid as number);
    }
    const [pidA, pidB] = pids.map(String) as [string, string];
    const name = (d: Running) => `${hostname()}:${d.child.pid}`;
    const total = (s: Stored) => Object.values(s.mentions).reduce((n, ids) => n + ids.length, 0);
    const servedCount = () => [...served.values()].reduce((n, items) => n + items.length, 0);

    // 1. Both daemons up and both working: each has polled and detected something.
    await waitUntil(
      async () => {
        const [wa, wb] = [workOf(a), workOf(b)];
        return (
          total(await counts(rows)) === servedCount() &&
          wa.polls.length > 0 &&
          wb.polls.length > 0 &&
          wa.detections.length > 0 &&
          wb.detections.length > 0
        );
      },
      30_000,
      'both daemons to poll and detect, and the calm posts of every brand to be stored',
    );

    // 2. A story turns negative for three brands while both run: one alert each, sent once.
    for (const br of FIRST_STORY) serve(br, burst(br));
    const allSent = async (n: number) => {
      const s = await counts(rows);
      return s.deliveries.length === n && s.deliveries.every((d) => d.status === 'sent');
    };
    await waitUntil(
      async () => hook.requests.length >= FIRST_STORY.length && (await allSent(FIRST_STORY.length)),
      30_000,
      'the alerts of the first story to be sent',
    );
    const first = await counts(rows);
    expect(first.incidents.map((i) => i.brand).sort()).toEqual(FIRST_STORY);
    expect(hook.requests).toHaveLength(FIRST_STORY.length);

    // 3. Daemon A killed in the middle of a poll: the fake feed host holds A's next request for
    //    the held brand, and A gets SIGKILL with that poll unanswered.
    feed.hold(`/${HELD}.xml`, (r) => r.client === pidA);
    const heldByA = () =>
      feed.requests.filter((r) => r.path === `/${HELD}.xml` && !r.answered && r.client === pidA);
    await waitUntil(() => heldByA().length > 0, 30_000, `daemon A to poll ${HELD} while it is held`);
    a.child.kill('SIGKILL');
    await a.exited;
    const killedAt = Date.now();
    const heldAtKill = heldByA().length;
    feed.release(`/${HELD}.xml`);
    // The jobs A was running: still active in Redis, under A's name, until their lock runs out.
    const orphans: Job[] = [];
    for (const q of queues.values())
      orphans.push(...(await q.getActive()).filter((j) => j.processedBy === name(a)));
    expect(orphans.some((j) => j.name === 'poll' && brandOf(j.id as string) === HELD)).toBe(true);

    // 4. The survivor alone: a second story, and the jobs A left, taken over.
    for (const br of SECOND_STORY) serve(br, burst(br));
    const alerted = FIRST_STORY.length + SECOND_STORY.length;
    await waitUntil(
      async () => {
        const s = await counts(rows);
        if (total(s) !== servedCount() || hook.requests.length < alerted || !(await allSent(alerted)))
          return false;
        for (const j of orphans) {
          if ((await queues.get(j.name as 'poll')?.getJobState(j.id as string)) !== 'completed') return false;
        }
        const after = workOf(b).polls.filter((id) => jobParts(id).tick > killedAt);
        return BRANDS.every((br) => after.filter((id) => brandOf(id) === br).length >= 2);
      },
      45_000,
      'daemon B to store and alert the second story, poll every brand, and finish what A left',
    );

    // 5. B stopped as an operator would: its running jobs finish, so every account below is closed.
    const stopping = Date.now();
    b.child.kill('SIGTERM');
    expect(await b.exited, b.logs().slice(-2_000)).toBe(0);

    const [wa, wb] = [workOf(a), workOf(b)];
    const stored = await counts(rows);
    const jobsIn = (q: 'poll' | 'detect', states: ('completed' | 'wait' | 'delayed' | 'active')[]) =>
      queue(q).getJobs(states, 0, -1);

    // Polls and detections: one job per (brand, tick), run once, in one process or the other, as
    // both the logs and Redis tell; only a job A was running when it died ran again, in B.
    const checkJobs = async (q: 'poll' | 'detect', byA: string[], byB: string[]) => {
      const done = await jobsIn(q, ['completed']);
      const slots = new Map(done.map((j) => [slotOf(j.id as string), j]));
      expect(slots.size, `${q}: two jobs for one (brand, tick)`).toBe(done.length);
      const [ta, tb] = [tally(byA.map(slotOf)), tally(byB.map(slotOf))];
      const orphanSlots = new Set(orphans.filter((j) => j.name === q).map((j) => slotOf(j.id as string)));
      expect(new Set([...ta.keys(), ...tb.keys()])).toEqual(new Set(slots.keys()));
      for (const [slot, job] of slots) {
        const [na, nb] = [ta.get(slot) ?? 0, tb.get(slot) ?? 0];
        const seen = { slot, started: job.attemptsStarted, by: job.processedBy };
        // A may have logged a job it had finished but not yet reported to Redis when it died.
        if (orphanSlots.has(slot))
          expect({ ...seen, b: nb, a: Math.min(na, 1) }).toEqual({
            slot,
            started: 2,
            by: name(b),
            b: 1,
            a: na,
          });
        else
          expect({ ...seen, runs: na + nb }).toEqual({ slot, started: 1, by: name(nb > 0 ? b : a), runs: 1 });
      }
      // Every tick that was scheduled has a job for every brand: run, or left waiting by B's stop.
      // Each brand's schedule fires on its own, so at the last ticks before the stop some brands'
      // jobs may not have been added yet: a stopped daemon adds none (the next daemon's tick detects).
      const left = await jobsIn(q, ['wait', 'delayed', 'active']);
      const perTick = new Map<number, string[]>();
      for (const j of [...done, ...left]) {
        const { brand, tick } = jobParts(j.id as string);
        perTick.set(tick, [...(perTick.get(tick) ?? []), brand]);
      }
      // A scheduler held past several boundaries (a loaded machine) queues the last five ticks of
      // each schedule: ten seconds of 2 s polls, five of 1 s detections. So a poll can be queued at a
      // tick whose detection was dropped, and a poll that stores adds its brand's detection at its
      // own tick: that tick has a job for that brand only. The ticks to check are the ones a
      // scheduler logged; any other detection is a poll's, at a tick of a poll of its brand.
      const scheduled = new Set<number>();
      for (const d of [a, b])
        for (const l of logLines(d)) {
          const m = /^(?:already )?queued: (poll|detect) \S+ at (\d+)$/.exec(l.msg);
          if (m?.[1] === q) scheduled.add(Number(m[2]));
        }
      const pollSlots = new Set([...wa.polls, ...wb.polls].map(slotOf));
      for (const [tick, brands] of perTick) {
        if (scheduled.has(tick)) continue;
        perTick.delete(tick);
        expect({
          q,
          tick,
          unscheduled: brands.filter((br) => q === 'poll' || !pollSlots.has(`${br}@${tick}`)),
        }).toEqual({
          q,
          tick,
          unscheduled: [],
        });
      }
      // A job that failed for good is not in those states: named, with its reason, when one is
      // missing, with what Redis's event stream and both daemons' schedulers say of it.
      const failed = (await queue(q).getJobs(['failed'], 0, -1)).map((j) => `${j.id}: ${j.failedReason}`);
      const missing = async (tick: number, brands: string[]) => {
        const out: string[] = [];
        for (const br of BRANDS.filter((x) => !brands.includes(x))) {
          const jobId = q === 'poll' ? pollJob.jobId(br, 'rss', tick) : detectJob.jobId(br, tick);
          out.push(
            `${jobId}: state ${await queue(q).getJobState(jobId)}; events ${await eventsOf(q, jobId)}`,
          );
          for (const [who, d] of [['A', a] as const, ['B', b] as const])
            out.push(
              `  ${who}: ${
                logLines(d)
                  .filter((l) => l.msg.endsWith(` at ${tick}`) && l.msg.includes(` ${br}`))
                  .map((l) => l.msg)
                  .join(' | ') || 'no scheduler line'
              }`,
            );
        }
        return out;
      };
      for (const [tick, brands] of perTick)
        if (tick < stopping - 3_000 && brands.length !== BRANDS.length)
          expect(
            { q, tick, brands: brands.sort() },
            [
              `${stopping - tick} ms before B's stop, A killed at ${killedAt}; failed jobs: ${failed.join('; ') || 'none'}`,
              ...(await missing(tick, brands)),
              ...[a, b].map((d) =>
                d
                  .logs()
                  .split('\n')
                  .filter((l) => l.includes('could not queue'))
                  .join('\n'),
              ),
            ].join('\n'),
          ).toEqual({
            q,
            tick,
            brands: BRANDS,
          });
    };
    await checkJobs('poll', wa.polls, wb.polls);
    await checkJobs('detect', wa.detections, wb.detections);

    // The work was shared: both processes polled and detected, A for at least one brand.
    const brandsOf = (ids: string[]) => [...new Set(ids.map(brandOf))].sort();
    expect(brandsOf(wa.polls).length).toBeGreaterThan(0);
    expect(brandsOf(wb.polls).length).toBeGreaterThan(0);
    expect(wa.detections.length).toBeGreaterThan(0);
    expect(wb.detections.length).toBeGreaterThan(0);
    // After the kill B alone polled and detected every brand.
    const afterKill = (ids: string[]) => brandsOf(ids.filter((id) => jobParts(id).tick > killedAt));
    expect(afterKill(wb.polls)).toEqual(BRANDS);
    expect(afterKill(wb.detections)).toEqual(BRANDS);

    // What the feed host saw: every request came from A or B, B made one per poll it logged, and A
    // one per poll it logged plus those it had in flight when it died (the held one at least).
    expect(feed.requests.filter((r) => r.client !== pidA && r.client !== pidB)).toEqual([]);
    for (const br of BRANDS) {
      const sent = (pid: string) =>
        feed.requests.filter((r) => r.path === `/${br}.xml` && r.client === pid).length;
      const logged = (ids: string[]) => ids.filter((id) => brandOf(id) === br).length;
      expect({ br, requests: sent(pidB) }).toEqual({ br, requests: logged(wb.polls) });
      const inFlight = sent(pidA) - logged(wa.polls);
      const orphanPolls = orphans.filter((j) => j.name === 'poll' && brandOf(j.id as string) === br).length;
      expect(inFlight).toBeGreaterThanOrEqual(br === HELD ? heldAtKill : 0);
      expect(inFlight).toBeLessThanOrEqual(orphanPolls);
    }

    // Mentions: each post stored once, and counted once in the hourly counts detection reads.
    for (const br of BRANDS) {
      const ids = (served.get(br) ?? []).map((i) => `rss:${i.id}`).sort();
      expect({ br, ids: stored.mentions[br] }).toEqual({ br, ids });
      expect({ br, counted: stored.counted[br] }).toEqual({ br, counted: ids.length });
    }

    // Incidents: one per negative story, opened once (one "alert:" line in all the logs).
    const stories = [...FIRST_STORY, ...SECOND_STORY];
    expect(stored.incidents.map((i) => [i.brand, i.kind])).toEqual(stories.map((s) => [s, 'volume_spike']));
    const incidentIds = stored.incidents.map((i) => i.id);
    expect([...wa.incidents, ...wb.incidents].sort()).toEqual(incidentIds);
    // The second story's were opened by B, after A was gone.
    const secondIds = stored.incidents.filter((i) => SECOND_STORY.includes(i.brand)).map((i) => i.id);
    expect(wb.incidents).toEqual(expect.arrayContaining(secondIds));

    // Alerts: one per incident, delivered once each: no duplicate, none missing.
    expect(stored.alerts.map((x) => x.incidentId).sort()).toEqual(incidentIds);
    expect(stored.deliveries.map((d) => [d.status, d.attempts])).toEqual(stories.map(() => ['sent', 1]));
    const bodies = hook.requests.map((r) => JSON.parse(r.body) as WebhookBody);
    expect(bodies.map((x) => x.alert.incident_id).sort()).toEqual(incidentIds);
    const deliveryIds = hook.requests.map((r) => r.headers['earshot-delivery']);
    expect(new Set(deliveryIds).size).toBe(stories.length);
    expect([...wa.delivered, ...wb.delivered].sort()).toEqual(stored.alerts.map((x) => x.id).sort());
  }, 120_000);

  // drizzle's own migrator read which migrations ran before taking the write lock: processes
  // starting together on a fresh file could both create the tables, and one exited (3 in 120 starts
  // of three at once). Earshot now reads and applies them under one BEGIN IMMEDIATE.
  it('processes migrating one fresh database at the same moment all succeed', async () => {
    for (let round = 0; round < 5; round++) {
      const tmp = tempDir();
      try {
        const env = cleanEnv({ EARSHOT_DATA_DIR: tmp.dir });
        const runs = await Promise.all([1, 2, 3].map(() => runCli(['migrate'], { env })));
        for (const r of runs) expect(r.code, r.stderr).toBe(0);
        const rows = new DaemonRows(tmp.dir);
        const journal = ON_POSTGRES ? 'drizzle.__drizzle_migrations' : '"__drizzle_migrations"';
        const applied = await rows.count(`select count(*) as n from ${journal}`);
        await rows.close();
        const folder = new URL(
          ON_POSTGRES ? '../../migrations/postgres/' : '../../migrations/',
          import.meta.url,
        );
        expect(applied).toBe(readdirSync(folder).filter((f) => f.endsWith('.sql')).length);
        expect(applied).toBeGreaterThan(0);
      } finally {
        tmp.cleanup();
      }
    }
  }, 120_000);
});
