import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { parseDuration } from '../../src/duration.ts';

const problemsOf = (raw: unknown, env: Record<string, string> = {}): string[] => {
  try {
    buildConfig(raw, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('configuration', () => {
  it('loads the shipped example with no environment at all', () => {
    const cfg = loadConfig({
      file: path.resolve('config/earshot.example.yml'),
      env: {},
      requireBrands: true,
    });
    expect(cfg.brands[0]?.name).toBe('united');
    expect(cfg.brands[0]?.sources[0]).toMatchObject({ key: 'rss', source: 'rss', everyMs: 300_000 });
    expect(Object.keys(cfg.channels)).toEqual(['console']);
    expect(cfg.disabled).toEqual([
      'channel slack-pr: disabled because SLACK_WEBHOOK_URL is not set',
      'channel slack-support: disabled because SLACK_SUPPORT_WEBHOOK_URL is not set',
      'channel slack-marketing: disabled because SLACK_MARKETING_WEBHOOK_URL is not set',
      'channel oncall: disabled because PAGERDUTY_ROUTING_KEY is not set',
      'channel pr-lead-mail: disabled because SMTP_URL is not set',
    ]);
    expect(cfg.routes.map((r) => r.name)).toEqual([
      'console',
      'pr',
      'support',
      'marketing',
      'marketing-buyers',
      'on-call',
      'pr-lead',
    ]);
    expect(cfg.routes.find((r) => r.name === 'on-call')).toMatchObject({
      escalate_after: 15 * 60_000,
      escalate_to: 'pr-lead',
    });
    expect(cfg.settings.http.listen).toEqual({ host: '127.0.0.1', port: 8787 });
  });

  it('reads secrets from the environment into channel options', () => {
    const cfg = loadConfig({
      file: path.resolve('config/earshot.example.yml'),
      env: { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' },
    });
    expect(cfg.channels['slack-pr']?.options).toEqual({
      webhook_url: 'https://hooks.slack.com/services/T/B/x',
    });
    expect(cfg.disabled).not.toContainEqual(expect.stringContaining('slack-pr'));
  });

  it('lists every problem with its path, and no secret value', () => {
    const problems = problemsOf(
      {
        brands: [
          { name: 'ok', query: 'a OR b', sources: [{ source: 'rss', feeds: ['https://x.example/f'] }] },
          {
            name: 'ok',
            query: 'acme AND (x OR',
            sources: [{ source: 'rss', every: '5 parsecs', feeds: [] }],
            colour: 'red',
          },
        ],
        detection: { min_negative: 0 },
        channels: { pr: { type: 'slack', webhook_url: 'not a url ${TOKEN}' }, x: { type: 'telegraph' } },
        routes: [{ channels: ['pr'], severities: ['apocalyptic'] }],
      },
      { TOKEN: 'hunter2' },
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^brands\[1\]: .*colour/),
        expect.stringMatching(/^brands\[1\]\.sources\[0\]\.every: "5 parsecs" is not a duration/),
        expect.stringMatching(/^detection\.min_negative: /),
        expect.stringMatching(/^routes\[0\]\.severities\[0\]: /),
      ]),
    );
    // Schema problems stop before the semantic checks; fix them and the rest shows.
    const second = problemsOf(
      {
        brands: [
          { name: 'ok', query: 'a OR b' },
          { name: 'ok', query: 'acme AND (x OR', sources: [{ source: 'rss', feeds: [] }] },
        ],
        channels: { pr: { type: 'slack', webhook_url: 'not a url ${TOKEN}' }, x: { type: 'telegraph' } },
        routes: [{ channels: ['pr', 'ghost'], brands: ['nobody'] }],
      },
      { TOKEN: 'hunter2' },
    );
    expect(second).toEqual(
      expect.arrayContaining([
        'brands[1].name: "ok" is used by another brand',
        expect.stringMatching(/^brands\[1\]\.query: .* at \d+/),
        expect.stringMatching(/^brands\[1\]\.sources\[0\]\.feeds: /),
        expect.stringMatching(/^channels\.pr\.webhook_url: /),
        expect.stringMatching(/^channels\.x\.type: unknown channel type "telegraph"/),
        'routes[0].channels[1]: no channel is named "ghost"',
        'routes[0].brands[0]: no brand is named "nobody"',
      ]),
    );
    expect(second.join('\n')).not.toContain('hunter2');
  });

  it('names a missing secret, and an optional part is switched off instead', () => {
    expect(problemsOf({ channels: { pr: { type: 'slack', webhook_url: '${HOOK}' } } })).toEqual([
      'channels.pr: environment variable HOOK is not set',
    ]);
    const cfg = buildConfig(
      { channels: { pr: { type: 'slack', webhook_url: '${HOOK}', optional: true } } },
      {},
    );
    expect(cfg.channels).toEqual({});
    expect(cfg.disabled[0]).toContain('HOOK');
  });

  it('applies per-brand detection overrides over the global settings', () => {
    const cfg = buildConfig(
      { detection: { window: '30m' }, brands: [{ name: 'a', query: 'a', detection: { min_negative: 20 } }] },
      {},
    );
    expect(cfg.brands[0]?.detection).toMatchObject({ window: 1_800_000, min_negative: 20, spike_ratio: 3 });
  });

  it('keys two sources of the same kind apart', () => {
    const cfg = buildConfig(
      {
        brands: [
          {
            name: 'a',
            query: 'a',
            sources: [
              { source: 'rss', feeds: ['https://a.example/1'] },
              { source: 'rss', feeds: ['https://a.example/2'] },
            ],
          },
        ],
      },
      {},
    );
    expect(cfg.brands[0]?.sources.map((s) => s.key)).toEqual(['rss-1', 'rss-2']);
  });

  it('requires a brand for the daemon', () => {
    expect(() => loadConfig({ file: null, env: {}, requireBrands: true })).toThrow(/no brand is configured/);
  });

  it('takes a postgres:// DATABASE_URL as is, and names one it cannot read', () => {
    const url = 'postgres://earshot@127.0.0.1:5432/earshot';
    expect(buildConfig({}, { DATABASE_URL: url }).settings.database).toBe(url);
    expect(problemsOf({}, { DATABASE_URL: 'postgres://[bad' })[0]).toMatch(/^DATABASE_URL: not a URL/);
    expect(problemsOf({}, { DATABASE_URL: 'postgresql:earshot' })[0]).toMatch(
      /^DATABASE_URL: write a PostgreSQL/,
    );
  });

  it('parses durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration('5 parsecs')).toBeNull();
  });

  it('keeps mentions 90 days and readings 30 days unless told otherwise', () => {
    expect(buildConfig({}, {}).settings.retention).toEqual({
      mentionsMs: 90 * 86_400_000,
      snapshotsMs: 30 * 86_400_000,
    });
    expect(buildConfig({ retention: { mentions: '180d' } }, {}).settings.retention.mentionsMs).toBe(
      180 * 86_400_000,
    );
  });

  it('refuses a retention shorter than what detection reads, naming both', () => {
    expect(problemsOf({ retention: { mentions: '7d' } })).toEqual([
      'retention.mentions: 7d is shorter than detection.baseline (14d); keep mentions at least as long as detection learns from them',
    ]);
    expect(
      problemsOf({
        retention: { mentions: '30d' },
        brands: [{ name: 'acme', query: 'acme', detection: { baseline: '60d' } }],
      }),
    ).toEqual([
      'retention.mentions: 30d is shorter than brands[0].detection.baseline (60d); keep mentions at least as long as detection learns from them',
    ]);
    expect(problemsOf({ retention: { snapshots: '1d' } })).toEqual([
      'retention.snapshots: 1d is shorter than sources.refresh_age (2d); virality reads the readings of mentions still refreshed',
    ]);
    expect(problemsOf({ retention: { mentions: 'forever' } })).toEqual([
      'retention.mentions: "forever" is not a duration: write it like 30s, 5m, 2h or 7d',
    ]);
  });

  it('reads the near-duplicate window, 48 h unless set, and names a bad one', () => {
    expect(buildConfig({}, {}).detection.near_duplicates_window).toBe(48 * 3_600_000);
    const brands = [{ name: 'acme', query: 'acme', detection: { near_duplicates_window: '3d' } }];
    expect(buildConfig({ brands }, {}).brands[0]?.detection.near_duplicates_window).toBe(3 * 86_400_000);
    expect(problemsOf({ detection: { near_duplicates_window: 'a while' } })).toEqual([
      'detection.near_duplicates_window: "a while" is not a duration: write it like 30s, 5m, 2h or 7d',
    ]);
    expect(problemsOf({ detection: { near_duplicates_window: '0s' } })).toEqual([
      'detection.near_duplicates_window: must be longer than 0s',
    ]);
    expect(
      problemsOf({ retention: { mentions: '30d' }, detection: { near_duplicates_window: '40d' } }),
    ).toEqual([
      'retention.mentions: 30d is shorter than detection.near_duplicates_window (40d); keep mentions at least as long as detection learns from them',
    ]);
  });
});
