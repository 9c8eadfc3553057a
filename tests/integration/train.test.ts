import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFeedServer } from '../fakes/feed-server.ts';
import { cleanEnv, runCli, tempDir } from '../helpers/cli.ts';
import { skateExamples } from '../helpers/skate.ts';
import { testStore } from '../helpers/db.ts';

const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;

describe('earshot train', () => {
  const tmp = tempDir();
  const env = cleanEnv({ EARSHOT_DATA_DIR: tmp.dir, LOG_LEVEL: 'warn' });
  afterAll(() => tmp.cleanup());
  const rows = skateExamples(300);

  it('learns from a CSV, reports accuracy before and after on held-out rows, and writes the model', async () => {
    const csv = tmp.file(
      'skate.csv',
      [
        'text,label',
        ...rows.map((r) => `${csvCell(r.text)},${r.label}`),
        '"no label here",',
        ',positive',
      ].join('\n'),
    );
    const out = path.join(tmp.dir, 'models/skate.json');
    const r = await runCli(['train', csv, '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const [before, after] =
      [...r.stdout.matchAll(/accuracy\s+([\d.]+) % before, ([\d.]+) % after/g)][0]?.slice(1) ?? [];
    expect(Number(after)).toBeGreaterThan(Number(before) + 20);
    expect(r.stdout).toMatch(
      /trained "skate" on \d+ of 300 labelled rows \(2 skipped\); measured on the other \d+/,
    );
    expect(r.stderr).toMatch(/line 302: skipped, label "" is not negative, neutral or positive/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({
      kind: 'earshot-sentiment-adaptation',
      name: 'skate',
    });

    const a = await runCli(['analyze', '--model', out], {
      env,
      input: JSON.stringify({ id: 'm1', text: 'that new deck is so sick' }),
    });
    expect(JSON.parse(a.stdout)).toMatchObject({ id: 'm1', sentiment: { label: 'positive' } });
  });

  it('reads JSON Lines too, and says why a file is too small to learn from', async () => {
    const jsonl = tmp.file('skate.jsonl', rows.map((r) => JSON.stringify(r)).join('\n'));
    const r = await runCli(
      ['train', jsonl, '--name', 'skate-jsonl', '--out', path.join(tmp.dir, 'm2.json')],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const small = tmp.file(
      'small.jsonl',
      rows
        .slice(0, 5)
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const bad = await runCli(['train', small], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`earshot: ${small} has 5 usable labelled rows; at least 30 are needed`);
  });

  it('is used by the daemon for the brand that names it, and a missing model stops the start', async () => {
    const model = path.join(tmp.dir, 'models/skate.json');
    const feed = await startFeedServer();
    try {
      feed.setFeed('/f', {
        kind: 'rss',
        items: [
          {
            id: 'p1',
            title: 'Acme deck review: this deck is so sick',
            body: '',
            link: 'https://n.example/1',
            published: new Date(),
          },
        ],
      });
      const brand = (m: string) => ({
        brands: [
          {
            name: 'acme',
            query: 'acme',
            sentiment_model: m,
            sources: [{ source: 'rss', feeds: [feed.url('/f')] }],
          },
        ],
      });
      const cfg = tmp.file('with-model.json', JSON.stringify(brand(model)));
      const r = await runCli(['--config', cfg, 'poll', '--once'], { env });
      expect(r.code, r.stderr).toBe(0);
      const store = await testStore(tmp.dir, { migrate: false });
      const row = await store.get<{ l: string }>('select sentiment_label as l from mentions where id = ?', [
        'rss:p1',
      ]);
      await store.close();
      expect(row?.l).toBe('positive');

      const missing = tmp.file('missing-model.json', JSON.stringify(brand('nope/none.json')));
      const m = await runCli(['--config', missing, 'poll', '--once'], { env });
      expect(m.code).toBe(2);
      expect(m.stderr).toMatch(/brands\[0\]\.sentiment_model: nope\/none\.json not found/);
    } finally {
      await feed.close();
    }
  });
});
