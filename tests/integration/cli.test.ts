import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, tempDir } from '../helpers/cli.ts';

const SECRET = 'https://hooks.slack.example/services/T1/B2/very-secret-token';

describe('earshot CLI', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    env = cleanEnv({ EARSHOT_DATA_DIR: tmp.dir, SLACK_WEBHOOK_URL: SECRET });
  });

  it('refuses a bad config with exit code 2 and every problem listed, no stack trace, no secret', async () => {
    const cfg = tmp.file(
      'bad.yml',
      `brands:
  - name: Acme Air
    query: '(acme AND airline'
    timezone: Mars/Olympus
    sources:
      - source: carrier-pigeon
      - source: rss
        every: often
        feeds: [not-a-url]
channels:
  pr: { type: slack, webhook_url: '\${SLACK_WEBHOOK_URL}x' }
  ops: { type: slack, webhook_url: '\${PAGER_HOOK}' }
routes:
  - channels: [pr, nobody]
`,
    );
    const r = await runCli(['start', '--config', cfg], { env });
    expect(r.code).toBe(2);
    const text = r.stderr;
    expect(text).toContain('brands[0].name');
    expect(text).toContain('brands[0].query: unbalanced parenthesis at 0');
    expect(text).toContain('brands[0].timezone');
    expect(text).toContain('brands[0].sources[0].source: unknown source "carrier-pigeon"');
    expect(text).toContain('brands[0].sources[1].every');
    expect(text).toContain('brands[0].sources[1].feeds[0]');
    expect(text).toContain('channels.ops: environment variable PAGER_HOOK is not set');
    expect(text).toContain('routes[0].channels[1]: no channel is named "nobody"');
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toContain('very-secret-token');
  });

  it('says a YAML syntax error and a missing file in one line each', async () => {
    const cfg = tmp.file('syntax.yml', 'brands:\n  - name: acme\n   query: [oops\n');
    const r = await runCli(['--config', cfg, 'doctor'], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/YAML syntax at line \d/);
    const missing = await runCli(['--config', tmp.dir + '/nope.yml', 'start'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yml: 1 problem(s)');
    expect(missing.stderr).toContain('file not found');
  });

  it('analyze answers one JSON line per input line, in order, with errors in place', async () => {
    const input = [
      JSON.stringify({ id: '1583926354983718912', text: 'I love this airline, the crew were wonderful!' }),
      '{not json',
      JSON.stringify({ id: 'b', text: 'Worst flight ever. Lost my bag and nobody cares.' }),
      JSON.stringify({ id: 'c' }),
      '',
      JSON.stringify({ text: 'Is the lounge open on Sundays?' }),
    ].join('\n');
    const r = await runCli(['analyze'], { env, input });
    expect(r.code).toBe(1);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(5);
    expect(out[0]).toMatchObject({ id: '1583926354983718912', sentiment: { label: 'positive' }, lang: 'en' });
    expect(out[1]).toMatchObject({ line: 2 });
    expect(out[2]).toMatchObject({ id: 'b', sentiment: { label: 'negative' } });
    expect(out[3]).toMatchObject({ line: 4 });
    expect(out[4]).toMatchObject({ id: null });
    expect(r.stderr).toMatch(/line 2/);
    expect(r.stderr).toMatch(/line 4/);
  });

  it('analyze adds reach, virality and near-duplicates when a line carries author, metrics and times', async () => {
    const post = {
      id: 'x:1',
      source: 'x',
      text: 'Acme Air lost my wheelchair at the gate and nobody will help, please share',
      author: { handle: 'ann', followers: 400 },
      metrics: { likes: 250, reposts: 90 },
      created_at: '2026-03-01T12:00:00Z',
      observed_at: '2026-03-01T12:40:00Z',
    };
    const copy = { id: 'x:2', text: `@acmeair ${post.text} https://t.co/abc` };
    const spanish = { id: 'x:3', text: 'el vuelo de hoy llegó tarde otra vez', lang: 'es' };
    const r = await runCli(['analyze'], {
      env,
      input: [post, copy, spanish].map((l) => JSON.stringify(l)).join('\n'),
    });
    expect(r.code).toBe(0);
    const [a, b, c] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(a).toMatchObject({ reach: { basis: 'followers' }, virality: { engagement: 430 } });
    expect((a?.virality as { score: number }).score).toBeGreaterThan(0.8);
    expect(b).toMatchObject({ id: 'x:2', duplicate_of: 'x:1' });
    expect(b).not.toHaveProperty('virality');
    expect(c).toMatchObject({ lang: 'es', sentiment: { label: 'neutral' }, sentiment_covered: false });
    expect(a).not.toHaveProperty('reasons');
    const explained = await runCli(['analyze', '--explain'], {
      env,
      input: JSON.stringify({ id: 'e', text: 'Still waiting on hold for 2 hours, never again' }),
    });
    const e = JSON.parse(explained.stdout) as { sentiment: { label: string }; reasons: string[] };
    expect(e.sentiment.label).toBe('negative');
    expect(e.reasons.join(' ')).toMatch(/never again/);
  });

  it('replay prints the alert a sudden negative story would have raised, at its simulated time', async () => {
    const lines: string[] = [];
    const start = Date.parse('2017-04-10T00:00:00Z');
    // A quiet day: a neutral mention every 20 minutes.
    for (let i = 0; i < 72; i++) {
      lines.push(
        JSON.stringify({
          id: `q${i}`,
          brand: 'united',
          text: 'United flight UA100 boarding at gate 5',
          created_at: new Date(start + i * 20 * 60_000).toISOString(),
        }),
      );
    }
    // Then outrage: 12 furious posts in 15 minutes.
    const burst = start + 24 * 3_600_000;
    for (let i = 0; i < 12; i++) {
      lines.push(
        JSON.stringify({
          id: `x:${1_000_000_000_000_000_000n + BigInt(i)}`,
          brand: 'united',
          text: 'United lost my bag again. Disgusting, horrible service, shameful.',
          created_at: new Date(burst + i * 75_000).toISOString(),
          author: { handle: `u${i}`, followers: 100 * i },
        }),
      );
    }
    lines.push('{"id": "broken"');
    const r = await runCli(['replay', '--report'], { env, input: lines.join('\n') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 85');
    const alerts = r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // First a warning while it is small, then one update when it becomes critical: same incident.
    expect(alerts.map((a) => a.severity)).toEqual(['warning', 'critical']);
    const [first, second] = alerts as {
      at: string;
      brand: string;
      kind: string;
      polarity: string;
      incident_id: string;
      mention_ids: string[];
      update?: boolean;
    }[];
    expect(first).toMatchObject({ brand: 'united', kind: 'volume_spike', polarity: 'negative' });
    expect(second?.incident_id).toBe(first?.incident_id);
    expect(second?.update).toBe(true);
    expect(Date.parse(first?.at ?? '')).toBeGreaterThanOrEqual(burst);
    expect(Date.parse(first?.at ?? '')).toBeLessThan(burst + 10 * 60_000);
    expect(first?.mention_ids.every((id) => id.startsWith('x:1000000000000000'))).toBe(true);
    expect(r.stderr).toMatch(/replay: 84 observation\(s\), 1 bad line\(s\)/);
    expect(r.stderr).toMatch(/united\t2017-04-11\t2/);
  });

  it('migrate creates the database, and doctor checks without sending', async () => {
    const cfg = tmp.file(
      'ok.yml',
      `brands:\n  - name: acme\n    query: acme\n    sources:\n      - source: rss\n        feeds: ['http://127.0.0.1:1/feed.xml']\nchannels:\n  console: { type: console }\nroutes:\n  - channels: [console]\n`,
    );
    const m = await runCli(['--config', cfg, 'migrate'], { env });
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('database ready');
    const d = await runCli(['--config', cfg, 'doctor'], { env });
    expect(d.stdout).toContain('✓ config');
    expect(d.stdout).toContain('✓ database');
    expect(d.stdout).toMatch(/✗ source acme\/rss: .*127\.0\.0\.1:1/);
    expect(d.code).toBe(1);
  });
});
