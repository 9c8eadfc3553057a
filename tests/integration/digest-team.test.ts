import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { digestJob, queueDueDigests } from '../../jobs/digest.ts';
import { consoleChannel } from '../../src/alerts/channels/console.ts';
import { slack as slackChannel } from '../../src/alerts/channels/slack.ts';
import { ManualClock } from '../../src/clock.ts';
import { buildConfig } from '../../src/config.ts';
import { startDaemon, type Daemon } from '../../src/daemon.ts';
import { connectStore, type Store } from '../../src/db/client.ts';
import { buildTeamDigest, saveHtml } from '../../src/digest/build.ts';
import { renderText } from '../../src/digest/render.ts';
import { checkInChromium, hasChromium } from '../helpers/chromium.ts';
import { startSlackServer } from '../fakes/slack-server.ts';
import { startSmtpServer } from '../fakes/smtp-server.ts';
import { cleanEnv, runCli, tempDir, waitUntil } from '../helpers/cli.ts';
import { PR_TEAM, seedCargoDays, seedIncidentWeek, storePosts, TEAM_BRANDS } from '../helpers/digest.ts';
import { freePort } from '../helpers/redis.ts';
import { testDatabase } from '../helpers/db.ts';

const REDIS = 'redis://127.0.0.1:6379';
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setup(): Promise<{ store: Store; dir: string; config: ReturnType<typeof buildConfig> }> {
  const tmp = tempDir();
  const config = buildConfig(
    { brands: TEAM_BRANDS, digest: { teams: [PR_TEAM] } },
    { EARSHOT_DATA_DIR: tmp.dir, ...testDatabase(tmp.dir).env },
  );
  const store = await connectStore(config.settings.database);
  closers.push(
    () => tmp.cleanup(),
    () => store.close(),
  );
  return { store, dir: tmp.dir, config };
}
const NOW = Date.parse('2026-03-30T07:05:00Z');

describe("a team's digest, from the database", () => {
  it("puts its brands side by side over the team's day, worst first, each with its own report", async () => {
    const { store, config } = await setup();
    await seedIncidentWeek(store);
    await seedCargoDays(store);
    const built = (await buildTeamDigest(store, config, config.digest.teams[0]!, 'day', '2026-03-29', NOW))!;
    const t = built.report;
    expect(t).toMatchObject({
      kind: 'team',
      id: 'digest-team:pr-day-2026-03-29',
      brand: 'team:pr',
      timezone: 'Europe/London',
      start: Date.parse('2026-03-29T00:00:00Z'),
      end: Date.parse('2026-03-29T23:00:00Z'),
      quiet: false,
    });
    // Acme Air had a critical incident: it comes first, though the team lists Acme Cargo first.
    expect(t.brands.map((b) => b.brand)).toEqual(['acme', 'acme-cargo']);
    // Acme Air's section is its own report, word for word.
    expect(t.brands[0]!.totals).toEqual({ volume: 34, negative: 30, neutral: 2, positive: 2, net: -80 });
    // Acme Cargo counts the London day, not its own New York one: the post at 02:00 UTC is in,
    // the one at 23:30 UTC is not.
    const cargo = t.brands[1]!;
    expect(cargo.timezone).toBe('Europe/London');
    expect(cargo.totals).toEqual({ volume: 7, negative: 2, neutral: 2, positive: 3, net: 14 });
    expect(cargo.previous).toEqual({ volume: 5, negative: 0, neutral: 3, positive: 2, net: 40 });

    // The charts of both brands, each named by its brand's report.
    expect(built.charts.map((c) => `${c.report}/${c.name}`)).toEqual([
      'digest-acme-day-2026-03-29/week',
      'digest-acme-day-2026-03-29/hours',
      'digest-acme-cargo-day-2026-03-29/week',
      'digest-acme-cargo-day-2026-03-29/hours',
    ]);
    const text = renderText(t);
    expect(text.split('\n').slice(0, 5)).toEqual([
      'PR team · Daily digest · Sunday 29 March 2026 (Europe/London)',
      '',
      '2 brand(s): 41 mentions, 1 incident(s) (0 not acknowledged), 27 complaint(s) waiting. Worst first:',
      '- Acme Air: 34 mentions (▲ +240 %), net −80 (▼ −90 pts vs the day before, ▼ −86 pts vs 7-day average), 1 incident(s) (0 not acknowledged), 27 complaint(s) waiting',
      '- Acme Cargo: 7 mentions (▲ +40 %), net +14 (▼ −26 pts vs the day before, ▼ −26 pts vs 7-day average), 0 incident(s) (0 not acknowledged), 0 complaint(s) waiting',
    ]);
    // Then each brand's report, as its own digest shows it.
    expect(text).toContain('=== Acme Air ===\n\nMentions: 34 (▲ +240 % vs the day before');
    expect(text).toContain('acknowledged by alice');
    expect(text).toContain('=== Acme Cargo ===\n\nMentions: 7 (▲ +40 % vs the day before');
    expect(text.indexOf('=== Acme Air ===')).toBeLessThan(text.indexOf('=== Acme Cargo ==='));

    // The web copy: the summary's cards link to each brand's section, every chart inside the page.
    expect(built.html).toContain('<h1 style="font-size:22px;margin:2px 0 12px;');
    expect(built.html).toContain('PR team · Sunday 29 March 2026</h1>');
    expect(built.html).toContain('href="#brand-acme-cargo"');
    expect(built.html).toContain('id="brand-acme-cargo"');
    expect(built.html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(4);
    expect(built.html).toContain('&lt;b&gt;again&lt;/b&gt;');

    // The console prints the plain text; Slack the summary, one line a brand.
    const printed = consoleChannel.renderDigest!({ report: t, charts: built.charts }).text;
    expect(printed).toContain('- Acme Cargo: 7 mentions (▲ +40 %), net +14');
    const posted = JSON.stringify(slackChannel.renderDigest!({ report: t, charts: built.charts }));
    expect(posted).toContain(
      '*Acme Air*: 34 mentions ▲ +240 % · net −80 ▼ −90 pts · 1 incident(s) · 27 waiting\\n*Acme Cargo*: 7 mentions ▲ +40 % · net +14 ▼ −26 pts · 0 incident(s) · 0 waiting',
    );
  });

  it('says a quiet day of every brand of the team in one line, without charts', async () => {
    const { store, config } = await setup();
    await storePosts(store, 'acme', [{ id: 'x:old', at: '2026-03-20T12:00:00Z', label: 'neutral' }]);
    await storePosts(store, 'acme-cargo', [{ id: 'x:c-old', at: '2026-03-21T12:00:00Z', label: 'neutral' }]);
    const built = (await buildTeamDigest(store, config, config.digest.teams[0]!, 'day', '2026-03-29', NOW))!;
    expect(built.report.quiet).toBe(true);
    expect(built.charts).toEqual([]);
    const line =
      'A quiet day for PR team: nobody mentioned Acme Cargo and Acme Air, no incident, no complaint waiting.';
    expect(built.html).toContain(line);
    expect(built.html).not.toContain('<img');
    expect(renderText(built.report)).toBe(
      `PR team · Daily digest · Sunday 29 March 2026 (Europe/London)\n\n${line}\n`,
    );
  });
});

describe.skipIf(!hasChromium())("a team's web copy in headless Chromium", () => {
  it("shows both brands' charts and nothing wider than the screen, on a desktop and on a phone", async () => {
    const { store, config, dir } = await setup();
    await seedIncidentWeek(store);
    await seedCargoDays(store);
    const built = (await buildTeamDigest(store, config, config.digest.teams[0]!, 'day', '2026-03-29', NOW))!;
    const file = path.join(dir, 'digests', 'team.html');
    saveHtml(file, built.html);
    const checks = await checkInChromium(file, [1024, 390], process.env.TEAM_DIGEST_SHOT);
    for (const c of checks) {
      expect(c.images.map((i) => i.alt)).toEqual(built.charts.map((ch) => ch.alt));
      expect(c.images.every((i) => i.loaded && i.width > 0)).toBe(true);
      expect(c.overflowing).toEqual([]);
      expect(c.scrollWidth).toBeLessThanOrEqual(c.viewport);
    }
  });
});

async function drain(daemons: Daemon[]) {
  for (const d of daemons) {
    await d.ctx.queue.drain('digest', 60_000);
    await d.relay();
    await d.ctx.queue.drain('deliver', 60_000);
  }
}

type Block = { type: string; elements?: { url?: string }[]; text?: { text: string } };

describe("a team's digest in the daemon", () => {
  it('goes out once per team and day with two daemons, each brand with its charts, and catches up after downtime', async () => {
    const smtp = await startSmtpServer();
    const slack = await startSlackServer();
    const tmp = tempDir();
    const prefix = `test-team-digest-${randomUUID()}`;
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
      EARSHOT_ACK_SECRET: 'a-secret-for-the-team-digest-test',
    };
    const config = buildConfig(
      {
        brands: TEAM_BRANDS,
        channels: {
          mail: { type: 'email', smtp_url: smtp.url, from: 'earshot@acme.example', to: 'pr@acme.example' },
          'pr-slack': { type: 'slack', webhook_url: slack.url },
        },
        // Brand reports are only saved; the team's go to the team.
        digest: { time: '08:00', catch_up: 1, teams: [{ ...PR_TEAM, channels: ['mail', 'pr-slack'] }] },
        http: { listen: `127.0.0.1:${port}`, public_url: `http://127.0.0.1:${port}` },
      },
      env,
    );
    const seed = await connectStore(config.settings.database);
    await seedIncidentWeek(seed);
    await seedCargoDays(seed);
    await seed.close();

    // 08:05 in London on Monday 30 March: the team's Sunday and (catch_up: 1) Saturday.
    const clock = new ManualClock('2026-03-30T07:05:00Z');
    const log = pino({ level: 'silent' });
    const a = await startDaemon({ config, env, log, clock });
    const b = await startDaemon({ config, env, log, clock, http: false });
    closers.push(() => a.stop());
    closers.push(() => b.stop());
    await waitUntil(
      () => smtp.received.length >= 2 && slack.received.length >= 2,
      50_000,
      'two team digests',
    );
    await drain([a, b]);

    const subjects = smtp.received.map((m) => m.subject ?? '').sort();
    expect(subjects).toEqual([
      'PR team · daily digest · Saturday 28 March 2026: 15 mentions across 2 brand(s)',
      'PR team · daily digest · Sunday 29 March 2026: 41 mentions across 2 brand(s), 1 incident(s) not resolved',
    ]);
    expect(slack.received).toHaveLength(2);

    // Sunday's mail: both brands' charts as inline PNGs, named after their brand, each shown by cid.
    const sunday = smtp.received.find((m) => m.subject?.includes('Sunday 29 March'));
    const images = sunday?.attachments ?? [];
    expect(images.map((i) => [i.filename, i.contentType, i.contentDisposition])).toEqual([
      ['acme-week.png', 'image/png', 'inline'],
      ['acme-hours.png', 'image/png', 'inline'],
      ['acme-cargo-week.png', 'image/png', 'inline'],
      ['acme-cargo-hours.png', 'image/png', 'inline'],
    ]);
    expect(new Set(images.map((i) => i.cid)).size).toBe(4);
    for (const img of images) {
      expect(img.content.subarray(1, 4).toString()).toBe('PNG');
      expect(img.cid).toMatch(/@earshot$/);
    }
    // mailparser puts the attachments into the HTML it hands back: each image where its cid was.
    expect(String(sunday?.html).match(/<img src="(cid:|data:image\/png;base64,)/g)).toHaveLength(4);
    expect(sunday?.text).toContain('- Acme Air: 34 mentions (▲ +240 %), net −80');
    expect(sunday?.text).toContain('=== Acme Cargo ===');
    expect(sunday?.messageId).toMatch(/^<digest-team\.pr-day-2026-03-29\.[0-9a-f]{24}@earshot>$/);

    // Slack: the summary and the signed link to the team's saved page.
    const summary = slack.received.find((m) => JSON.stringify(m.body).includes('Sunday 29 March 2026'));
    const blocks = (summary?.body as { blocks: Block[] }).blocks;
    expect(blocks[1]?.text?.text).toBe(
      '*Acme Air*: 34 mentions ▲ +240 % · net −80 ▼ −90 pts · 1 incident(s) · 27 waiting\n*Acme Cargo*: 7 mentions ▲ +40 % · net +14 ▼ −26 pts · 0 incident(s) · 0 waiting',
    );
    const link = blocks.find((bl) => bl.type === 'actions')?.elements?.[0]?.url ?? '';
    expect(link).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1:${port}/digests/digest-team%3Apr-day-2026-03-29\\?exp=\\d+&sig=[0-9a-f]{64}$`,
      ),
    );
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('PR team · Sunday 29 March 2026');
    expect(html).toContain('id="brand-acme-cargo"');

    const saved = (f: string) => existsSync(path.join(tmp.dir, 'digests', f));
    expect(saved('team-pr-2026-03-29.html')).toBe(true);
    expect(saved('team-pr-2026-03-28.html')).toBe(true);
    // Acme Air's own reports are saved beside them; Acme Cargo has none of its own (digest: false).
    expect(saved('acme-2026-03-29.html')).toBe(true);
    expect(saved('acme-cargo-2026-03-29.html')).toBe(false);

    // Claimed once: in the digests table under team:pr, and not again by a late job or tick.
    const store = a.ctx.store;
    expect(await store.all("select id from digests where brand = 'team:pr' order by id")).toEqual([
      { id: 'digest-team:pr-day-2026-03-28' },
      { id: 'digest-team:pr-day-2026-03-29' },
    ]);
    expect(await digestJob.handle(b.ctx, { team: 'pr', period: 'day', date: '2026-03-29' })).toBe('skipped');
    expect(await queueDueDigests(a.ctx, clock.now().getTime())).toBe(0);
    const rows = await store.all(
      "select d.status, count(*) as n from deliveries d join alerts a on a.id = d.alert_id where a.brand = 'team:pr' group by d.status",
    );
    expect(rows).toEqual([{ status: 'sent', n: 4 }]);

    // Down from Monday morning to Wednesday 08:30: Monday's and Tuesday's team reports at start.
    await a.stop();
    await b.stop();
    closers.splice(-2);
    clock.set(Date.parse('2026-04-01T07:30:00Z'));
    const c = await startDaemon({ config, env, log, clock, http: false });
    closers.push(() => c.stop());
    await waitUntil(() => smtp.received.length >= 4, 50_000, 'the two missed team digests');
    await drain([c]);
    const later = smtp.received.slice(2).map((m) => m.subject ?? '');
    expect(later.sort()).toEqual([
      expect.stringMatching(/^PR team · daily digest · Monday 30 March 2026: 2 mentions across 2 brand\(s\)/),
      expect.stringMatching(
        /^PR team · daily digest · Tuesday 31 March 2026: 0 mentions across 2 brand\(s\)/,
      ),
    ]);
    expect(smtp.received).toHaveLength(4);
  });
});

describe('earshot digest --team', () => {
  it("writes any day's team report as HTML and says what is in it", async () => {
    const { store, dir } = await setup();
    await seedIncidentWeek(store);
    await seedCargoDays(store);
    await store.close();
    const cfg = tempDir();
    closers.push(() => cfg.cleanup());
    const file = cfg.file(
      'earshot.yml',
      JSON.stringify({ brands: TEAM_BRANDS, digest: { teams: [PR_TEAM] } }),
    );
    const out = path.join(dir, 'team.html');
    const env = cleanEnv({ EARSHOT_DATA_DIR: dir });
    const r = await runCli(
      ['digest', '--config', file, '--team', 'pr', '--date', '2026-03-29', '--out', out],
      {
        env,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `digest-team:pr-day-2026-03-29 (2026-03-29, Europe/London): 2 brand(s) (acme 34, net −80; acme-cargo 7, net +14), 41 mentions, 1 incident(s), 27 unanswered complaint(s); written to ${out}\n`,
    );
    expect(readFileSync(out, 'utf8')).toContain('PR team · Sunday 29 March 2026');
    const unknown = await runCli(['digest', '--config', file, '--team', 'sales'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      `earshot: no team is named "sales" under digest.teams in ${file} (teams: pr)\n`,
    );
  });
});
