import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { buildConfig } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { connectStore } from '../../src/db/client.ts';
import { startSlackServer } from '../fakes/slack-server.ts';
import { startSmtpServer } from '../fakes/smtp-server.ts';
import { tempDir, waitUntil } from '../helpers/cli.ts';
import { DIGEST_BRANDS, seedIncidentWeek } from '../helpers/digest.ts';
import { freePort } from '../helpers/redis.ts';
import { testDatabase } from '../helpers/db.ts';

const REDIS = 'redis://127.0.0.1:6379';
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

type Block = { type: string; elements?: { url?: string }[]; fields?: { text: string }[] };
const buttonUrl = (body: unknown) =>
  ((body as { blocks: Block[] }).blocks.find((b) => b.type === 'actions')?.elements ?? [])[0]?.url;

async function drain(daemons: Daemon[]) {
  for (const d of daemons) {
    await d.ctx.queue.drain('digest', 60_000);
    await d.relay();
    await d.ctx.queue.drain('deliver', 60_000);
  }
}

describe('the digest in the daemon', () => {
  it('goes out once per brand and day through the delivery queue, with two daemons, and catches up after downtime', async () => {
    const smtp = await startSmtpServer();
    const slack = await startSlackServer();
    const tmp = tempDir();
    const prefix = `test-digest-${randomUUID()}`;
    closers.push(
      () => smtp.close(),
      () => slack.close(),
      () => tmp.cleanup(),
      async () => {
        const r = new Redis(REDIS);
        const keys = await r.keys(`${prefix}:*`);
        if (keys.length > 0) await r.del(...keys);
        r.disconnect();
      },
    );
    const port = await freePort();
    const env = {
      EARSHOT_DATA_DIR: tmp.dir,
      ...testDatabase(tmp.dir).env,
      REDIS_URL: REDIS,
      EARSHOT_QUEUE_PREFIX: prefix,
      EARSHOT_ACK_SECRET: 'a-secret-for-the-digest-test',
    };
    const config = buildConfig(
      {
        brands: DIGEST_BRANDS,
        channels: {
          mail: { type: 'email', smtp_url: smtp.url, from: 'earshot@acme.example', to: 'pr@acme.example' },
          team: { type: 'slack', webhook_url: slack.url },
        },
        digest: { time: '08:00', channels: ['mail', 'team'], weekly: 'monday', catch_up: 1 },
        http: { listen: `127.0.0.1:${port}`, public_url: `http://127.0.0.1:${port}` },
      },
      env,
    );
    const seed = await connectStore(config.settings.database);
    await seedIncidentWeek(seed);
    await seed.close();

    // 08:05 in London on Monday 30 March: yesterday's report, the week's, and (catch_up: 1) Saturday's.
    const clock = new ManualClock('2026-03-30T07:05:00Z');
    const log = pino({ level: 'silent' });
    const a = await startDaemon({ config, env, log, clock });
    const b = await startDaemon({ config, env, log, clock, http: false });
    closers.push(() => a.stop());
    closers.push(() => b.stop());
    await waitUntil(() => smtp.received.length >= 3 && slack.received.length >= 3, 50_000, 'three digests');
    await drain([a, b]);

    const subjects = smtp.received.map((m) => m.subject ?? '').sort();
    expect(subjects).toHaveLength(3);
    expect(subjects[0]).toMatch(/^Acme Air · daily digest · Saturday 28 March 2026: 10 mentions, net \+10$/);
    expect(subjects[1]).toMatch(
      /^Acme Air · daily digest · Sunday 29 March 2026: 34 mentions, net −80, 1 incident\(s\) not resolved$/,
    );
    expect(subjects[2]).toMatch(
      /^Acme Air · weekly digest · Monday 23 March – Sunday 29 March 2026: 97 mentions/,
    );
    expect(slack.received).toHaveLength(3);

    // The day's mail: HTML and text, its two charts as inline PNGs that the HTML names by cid.
    const day = smtp.received.find(
      (m) => m.subject?.includes('Sunday 29 March 2026') && m.subject.includes('daily'),
    );
    expect(day?.text).toContain('Mentions: 34 (▲ +240 % vs the day before');
    expect(day?.text).toContain('acknowledged by alice');
    const images = day?.attachments ?? [];
    expect(images.map((i) => [i.filename, i.contentType, i.contentDisposition])).toEqual([
      ['week.png', 'image/png', 'inline'],
      ['hours.png', 'image/png', 'inline'],
    ]);
    for (const img of images) {
      expect(img.content.subarray(1, 4).toString()).toBe('PNG');
      expect(img.cid).toMatch(/@earshot$/);
      expect(String(day?.html)).toMatch(
        new RegExp(`cid:${img.cid?.replace(/\./g, '\\.')}|data:image/png;base64`),
      );
    }
    expect(String(day?.html)).toContain('&lt;b&gt;again&lt;/b&gt;');

    // Slack: the key figures and a link to the web copy, which the daemon serves when signed.
    const summary = slack.received.find(
      (m) =>
        JSON.stringify(m.body).includes('Sunday 29 March 2026') && JSON.stringify(m.body).includes('Daily'),
    );
    const fields = ((summary?.body as { blocks: Block[] }).blocks.find((bl) => bl.fields)?.fields ?? []).map(
      (f) => f.text,
    );
    expect(fields[0]).toBe('*Mentions*\n34  ▲ +240 % vs the day before');
    expect(fields).toContain('*Share of voice*\n63 %');
    const link = buttonUrl(summary?.body);
    expect(link).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1:${port}/digests/digest-acme-day-2026-03-29\\?exp=\\d+&sig=[0-9a-f]{64}$`,
      ),
    );
    const page = await fetch(link ?? '');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Acme Air · Sunday 29 March 2026');
    expect(html).toContain('data:image/png;base64,');
    const forged = await fetch((link ?? '').replace(/sig=[0-9a-f]{4}/, 'sig=0000'));
    expect(forged.status).toBe(403);

    expect(existsSync(path.join(tmp.dir, 'digests', 'acme-2026-03-29.html'))).toBe(true);
    expect(existsSync(path.join(tmp.dir, 'digests', 'acme-week-2026-03-29.html'))).toBe(true);
    expect(existsSync(path.join(tmp.dir, 'digests', 'acme-2026-03-28.html'))).toBe(true);
    const rows = await a.ctx.store.all(
      "select d.status, count(*) as n from deliveries d join alerts a on a.id = d.alert_id where a.kind = 'digest' group by d.status",
    );
    expect(rows).toEqual([{ status: 'sent', n: 6 }]);

    // Down from Monday morning to Wednesday 08:30: Monday's and Tuesday's reports go out at start.
    await a.stop();
    await b.stop();
    closers.splice(-2);
    clock.set(Date.parse('2026-04-01T07:30:00Z'));
    const c = await startDaemon({ config, env, log, clock, http: false });
    closers.push(() => c.stop());
    await waitUntil(() => smtp.received.length >= 5, 50_000, 'the two missed digests');
    await drain([c]);
    const later = smtp.received
      .slice(3)
      .map((m) => m.subject ?? '')
      .sort();
    expect(later).toEqual([
      'Acme Air · daily digest · Monday 30 March 2026: 1 mentions, net −100',
      'Acme Air · daily digest · Tuesday 31 March 2026: 0 mentions, net n/a',
    ]);
    // Nobody spoke on Tuesday, but a complaint still waits: the day is not called quiet.
    const tuesday = smtp.received.find((m) => m.subject?.includes('Tuesday 31 March'));
    expect(tuesday?.text).toContain('Needs an answer today');
    expect(tuesday?.text).toContain(
      'big-account (x, Fri 27 Mar, 09:00, reach 50K, waiting 110 h): Still no refund from Acme',
    );
    expect(smtp.received).toHaveLength(5);
  });
});
