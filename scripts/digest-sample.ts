/**
 * `npm run digest:sample`: a sample daily digest from simulated data (an outrage at Acme Air,
 * beside a quiet competitor), written as HTML and photographed in headless Chromium for the README
 * (docs/digest-sample.png). No network, no keys, nothing sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replayObservations } from '../src/commands/replay.ts';
import { buildConfig } from '../src/config.ts';
import { connectStore } from '../src/db/client.ts';
import { buildDigest, saveHtml } from '../src/digest/build.ts';
import { addDays, localDate } from '../src/digest/time.ts';
import { simulate } from '../src/simulate/index.ts';
import { checkInChromium } from '../tests/helpers/chromium.ts';

const out = path.resolve(process.argv[2] ?? 'docs/digest-sample.png');
const html = path.resolve(process.argv[3] ?? 'data/digests/sample.html');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'earshot-sample-'));
const config = buildConfig(
  {
    brands: [
      {
        name: 'acme-air',
        display_name: 'Acme Air',
        query: 'acme',
        timezone: 'America/New_York',
        competitors: ['northwind-bank'],
      },
      { name: 'northwind-bank', display_name: 'Northwind', query: 'northwind', digest: false },
    ],
  },
  { EARSHOT_DATA_DIR: tmp },
);
const store = await connectStore(path.join(tmp, 'earshot.db'));
try {
  const lines: string[] = [];
  const it = simulate({
    scenario: 'mixed',
    kinds: ['outrage', 'quiet'],
    brands: 2,
    seed: 7,
    days: 10,
    start: Date.parse('2026-01-05T00:00:00Z'),
  });
  let r = it.next();
  for (; !r.done; r = it.next()) lines.push(JSON.stringify(r.value));
  await replayObservations(lines, config, { store });
  // The day the simulated outrage began, in the brand's time zone.
  const story = r.value.brands.find((b) => b.kind === 'outrage');
  const brand = config.brands.find((b) => b.name === story?.brand);
  if (!story?.incident || !brand) throw new Error('the simulation has no outrage');
  const date = localDate(brand.timezone, Date.parse(story.incident.start));
  const built = await buildDigest(
    store,
    config,
    brand,
    'day',
    date,
    Date.parse(`${addDays(date, 1)}T13:00:00Z`),
  );
  saveHtml(html, built.html);
  const [check] = await checkInChromium(html, [720], out);
  process.stdout.write(
    `${built.report.id}: ${built.report.totals.volume} mentions, ${built.report.incidents.length} incident(s); ${html}, ${out} (${check?.scrollWidth} px wide)\n`,
  );
} finally {
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
}
