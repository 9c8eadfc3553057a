import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.ts';
import { connectStore, type Store } from '../../src/db/client.ts';
import { buildDigest, saveHtml } from '../../src/digest/build.ts';
import { renderText } from '../../src/digest/render.ts';
import { buildReport } from '../../src/digest/report.ts';
import { checkInChromium, hasChromium } from '../helpers/chromium.ts';
import { cleanEnv, runCli, tempDir } from '../helpers/cli.ts';
import { DIGEST_BRANDS, seedIncidentWeek, storePosts } from '../helpers/digest.ts';
import { testDatabase } from '../helpers/db.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setup(): Promise<{ store: Store; dir: string; config: ReturnType<typeof buildConfig> }> {
  const tmp = tempDir();
  const config = buildConfig(
    { brands: DIGEST_BRANDS },
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

describe('the daily report, from the database', () => {
  it("counts the brand's local day, 23 hours long when the clocks go forward", async () => {
    const { store, config } = await setup();
    await seedIncidentWeek(store);
    const r = await buildReport(store, config, config.brands[0]!, 'day', '2026-03-29', NOW);
    // 30 of the storm (4 of them copies), early, late, question, buyer; not the one after midnight BST.
    // Net sentiment leaves the 4 copies out: (2 − 26) / 30.
    expect(r.totals).toEqual({ volume: 34, negative: 30, neutral: 2, positive: 2, net: -80 });
    expect(r.start).toBe(Date.parse('2026-03-29T00:00:00Z'));
    expect(r.end).toBe(Date.parse('2026-03-29T23:00:00Z'));
    expect(r.hourly).toHaveLength(23);
    expect(r.hourly.slice(0, 3).map((h) => h.label)).toEqual(['00:00', '02:00', '03:00']);
    // 11:00 BST is the 11th hour since local midnight (01:00 never happened).
    expect(r.hourly[10]).toEqual({ label: '11:00', negative: 30, neutral: 0, positive: 0 });
    expect(r.hourly[0]?.neutral).toBe(1);
    expect(r.hourly[22]).toEqual({ label: '23:00', negative: 0, neutral: 0, positive: 1 });
    // The day before had its 10; the post at 00:30 BST on the 30th belongs to no day of this report.
    expect(r.previous).toEqual({ volume: 10, negative: 2, neutral: 5, positive: 3, net: 10 });
    // The 7 days before: 10 a day, 13 on the 27th (three complaints), net 10 a day, −15 on the 27th.
    expect(r.usual).toEqual({ volume: 10.4, net: 6 });
    expect(r.daily.map((d) => d.date)).toEqual([
      '2026-03-23',
      '2026-03-24',
      '2026-03-25',
      '2026-03-26',
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
    ]);
    expect(r.shareOfVoice).toEqual([
      { brand: 'acme', name: 'Acme Air', volume: 34, share: 63 },
      { brand: 'rival', name: 'Rival Jets', volume: 20, share: 37 },
    ]);
  });

  it('tells the incident of the day with its peak, reach, who acknowledged it and its top posts', async () => {
    const { store, config } = await setup();
    await seedIncidentWeek(store);
    const r = await buildReport(store, config, config.brands[0]!, 'day', '2026-03-29', NOW);
    expect(r.incidents).toHaveLength(1);
    const i = r.incidents[0]!;
    expect(i).toMatchObject({
      severity: 'critical',
      status: 'acknowledged',
      acknowledgedBy: 'alice',
      mentions: 30,
      peak: { at: Date.parse('2026-03-29T10:00:00Z'), mentions: 30 },
    });
    expect(i.reach).toBe(80_000 + Array.from({ length: 29 }, (_, k) => 101 + k).reduce((a, b) => a + b, 0));
    expect(i.topPosts.map((p) => p.id)).toEqual(['x:storm-0', 'x:storm-25', 'x:storm-24']);
    expect(r.topNegative[0]).toMatchObject({
      id: 'x:storm-0',
      author: 'angry-flyer',
      reach: 80_000,
      engagement: 908, // 900 likes and 4 copies
    });
    expect(r.topPositive.map((p) => p.id)).toEqual(['x:late', 'x:buyer']);
    expect(r.questions.map((p) => p.id)).toEqual(['x:question']);
    expect(r.purchaseIntents.map((p) => p.id)).toEqual(['x:buyer']);
    // Waiting complaints: the large old one first; the answered one and the one on a feed are not there.
    expect(r.unanswered[0]).toMatchObject({ id: 'x:waiting', waitingHours: 62 });
    expect(r.unanswered.map((p) => p.id)).not.toContain('x:answered');
    expect(r.unanswered.map((p) => p.id)).not.toContain('rss:news');
    // The 26 complaints of the storm that are not copies, and the old one.
    expect(r.unansweredCount).toBe(27);
    expect(r.unanswered).toHaveLength(10);
    expect(r.sources).toEqual([{ source: 'x', mentions: 34 }]);
    expect(r.quiet).toBe(false);
    const text = renderText(r);
    expect(text).toContain('Mentions: 34 (▲ +240 % vs the day before, ▲ +227 % vs 7-day average)');
    expect(text).toContain('acknowledged by alice');
    expect(text).toContain('Share of voice: Acme Air 63 %, Rival Jets 37 %');
  });

  it('says a quiet day in one line, without charts', async () => {
    const { store, config } = await setup();
    await storePosts(store, 'acme', [{ id: 'x:old', at: '2026-03-20T12:00:00Z', label: 'neutral' }]);
    const built = await buildDigest(store, config, config.brands[0]!, 'day', '2026-03-29', NOW);
    expect(built.report.quiet).toBe(true);
    expect(built.charts).toEqual([]);
    expect(built.html).toContain(
      'A quiet day: nobody mentioned Acme Air, no incident, no complaint waiting.',
    );
    expect(built.html).not.toContain('<img');
    expect(renderText(built.report).trim().split('\n')).toHaveLength(3);
  });

  it('builds the weekly report over the seven local days ending that day', async () => {
    const { store, config } = await setup();
    await seedIncidentWeek(store);
    const r = await buildReport(store, config, config.brands[0]!, 'week', '2026-03-29', NOW);
    expect(r.from).toBe('2026-03-23');
    expect(r.totals.volume).toBe(10 * 6 + 3 + 34);
    expect(r.previous.volume).toBe(10);
  });
});

describe.skipIf(!hasChromium())('the web copy in headless Chromium', () => {
  it('shows every chart and nothing wider than the screen, on a desktop and on a phone', async () => {
    const { store, config, dir } = await setup();
    await seedIncidentWeek(store);
    const built = await buildDigest(store, config, config.brands[0]!, 'day', '2026-03-29', NOW);
    expect(built.charts.map((c) => c.name)).toEqual(['week', 'hours']);
    const file = path.join(dir, 'digests', 'page.html');
    saveHtml(file, built.html);
    const shot = path.join(dir, 'digest.png');
    const checks = await checkInChromium(file, [1024, 390], shot);
    for (const c of checks) {
      expect(c.images.map((i) => i.alt)).toEqual(built.charts.map((ch) => ch.alt));
      expect(c.images.every((i) => i.loaded && i.width > 0)).toBe(true);
      expect(c.overflowing).toEqual([]);
      expect(c.scrollWidth).toBeLessThanOrEqual(c.viewport);
    }
    // On the phone the charts shrink to the column instead of sticking out.
    expect(checks[1]!.images[0]!.width).toBeLessThan(390);
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1024);
  });
});

describe('earshot digest', () => {
  it("writes any day's report as HTML and says what is in it", async () => {
    const { store, dir } = await setup();
    await seedIncidentWeek(store);
    await store.close();
    const cfg = tempDir();
    closers.push(() => cfg.cleanup());
    const file = cfg.file('earshot.yml', JSON.stringify({ brands: DIGEST_BRANDS }));
    const out = path.join(dir, 'report.html');
    const env = cleanEnv({ EARSHOT_DATA_DIR: dir });
    const r = await runCli(
      ['digest', '--config', file, '--brand', 'acme', '--date', '2026-03-29', '--out', out],
      { env },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `digest-acme-day-2026-03-29 (2026-03-29, Europe/London): 34 mentions, net sentiment −80, 1 incident(s), 27 unanswered complaint(s); written to ${out}\n`,
    );
    expect(readFileSync(out, 'utf8')).toContain('Acme Air · Sunday 29 March 2026');
    const week = await runCli(
      ['digest', '--config', file, '--brand', 'acme', '--date', '2026-03-29', '--week'],
      { env },
    );
    expect(week.code).toBe(0);
    expect(existsSync(path.join(dir, 'digests', 'acme-week-2026-03-29.html'))).toBe(true);
    const bad = await runCli(['digest', '--config', file, '--brand', 'acme', '--date', '2026-02-30'], {
      env,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('earshot: "2026-02-30" is not a date (write it YYYY-MM-DD, like 2026-01-13)\n');
    const unknown = await runCli(['digest', '--config', file, '--brand', 'nope'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`earshot: no brand is named "nope" in ${file} (brands: acme, rival)\n`);
  });
});
