import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, tempDir } from '../helpers/cli.ts';

// `earshot start` and `poll --once` on a configuration with several faults of different kinds:
// each is named, all at once, before anything starts.

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const config = tmp.file(
  'bad.yml',
  `brands:
  - name: acme
    query: acme
    sources:
      - source: x
        bearer_token: \${X_BEARER_TOKEN}
      - source: tiktok
      - source: hackernews
        every: sometimes
channels:
  mail:
    type: email
    smtp_url: \${SMTP_URL}
    from: earshot@acme.example
    to: pr@acme.example
routes:
  - channels: [mail]
`,
);

describe.each([['start'], ['poll', '--once']])('earshot %s with a bad configuration', (...command) => {
  it('exits 2 with every problem listed, one line each, no stack trace, nothing started', async () => {
    const env = cleanEnv({ EARSHOT_DATA_DIR: tmp.dir, LOG_LEVEL: 'loud', REDIS_URL: 'localhost:6379' });
    const r = await runCli(['--config', config, ...command], { env });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`earshot: ${config}: 6 problem(s) in the configuration:`);
    const problems = lines.slice(1).map((l) => l.trim());
    expect(problems).toHaveLength(6);
    expect(problems).toEqual(
      expect.arrayContaining([
        'brands[0].sources[0]: environment variable X_BEARER_TOKEN is not set (the x source needs it)',
        expect.stringMatching(
          /^brands\[0\]\.sources\[1\]\.source: unknown source "tiktok" \(known: .*hackernews/,
        ),
        'brands[0].sources[2].every: "sometimes" is not a duration: write it like 30s, 5m, 2h or 7d',
        'channels.mail: environment variable SMTP_URL is not set',
        'LOG_LEVEL: "loud" is not one of trace, debug, info, warn, error, fatal, silent',
        'REDIS_URL: must start with redis:// or rediss://',
      ]),
    );
    expect(r.stdout).toBe('');
    expect(existsSync(path.join(tmp.dir, 'earshot.db'))).toBe(false);
  });
});
