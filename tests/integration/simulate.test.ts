import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertPayload } from '../../src/types.ts';
import { replayObservations } from '../../src/commands/replay.ts';
import { buildConfig } from '../../src/config.ts';
import { simulate, type ScenarioKind, type Truth, type TruthIncident } from '../../src/simulate/index.ts';
import { cleanEnv, runCli, tempDir } from '../helpers/cli.ts';

/** `earshot simulate ARGS | earshot replay`, through the CLI as a user runs it. */
async function simulateAndReplay(
  env: NodeJS.ProcessEnv,
  dir: string,
  args: string[],
): Promise<{ alerts: AlertPayload[]; truth: Truth }> {
  const truthFile = `${dir}/truth-${args.join('-')}.json`;
  const sim = await runCli(['simulate', ...args, '--truth', truthFile], { env, timeoutMs: 60_000 });
  expect(sim.code, sim.stderr).toBe(0);
  const replay = await runCli(['replay'], { env, input: sim.stdout, timeoutMs: 60_000 });
  expect(replay.code, replay.stderr).toBe(0);
  const alerts = replay.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AlertPayload);
  return { alerts, truth: JSON.parse(readFileSync(truthFile, 'utf8')) as Truth };
}

/**
 * The same pipeline in this process: what `simulate | replay` prints, without two CLI start-ups
 * per scenario (the CLI path itself is the first tests').
 */
async function replayScenario(
  scenario: ScenarioKind,
  days: number,
  rate?: number,
): Promise<{ alerts: AlertPayload[]; truth: Truth }> {
  const lines: string[] = [];
  const it = simulate({ scenario, brands: 1, days, seed: 1, start: START, ...(rate ? { rate } : {}) });
  let r = it.next();
  for (; !r.done; r = it.next()) lines.push(JSON.stringify(r.value));
  const { alerts } = await replayObservations(lines, buildConfig({}, {}));
  return { alerts, truth: r.value };
}

const START = Date.parse('2026-01-05T00:00:00Z');
const RANK = { info: 0, warning: 1, critical: 2 };

/** Alerts of `polarity`, warning or higher, during the incident, naming at least one of its mentions. */
function alertsFor(alerts: AlertPayload[], incident: TruthIncident, polarity: string): AlertPayload[] {
  const ids = new Set(incident.mention_ids);
  return alerts.filter(
    (a) =>
      a.polarity === polarity &&
      RANK[a.severity] >= RANK.warning &&
      Date.parse(a.at) >= Date.parse(incident.start) &&
      Date.parse(a.at) <= Date.parse(incident.end) &&
      (ids.size === 0 || a.mention_ids.some((id) => ids.has(id))),
  );
}

function incidentOf(truth: Truth): TruthIncident {
  const incident = truth.brands[0]?.incident;
  if (!incident) throw new Error('no incident in the truth');
  return incident;
}

// Whole weeks replayed minute by minute: seconds each on a quiet machine, more on a busy one.
describe('earshot simulate | earshot replay', { timeout: 180_000 }, () => {
  const tmp = tempDir();
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    env = cleanEnv({ EARSHOT_DATA_DIR: tmp.dir });
  });
  afterAll(() => tmp.cleanup());

  it('an outrage raises a negative alert that names its mentions, while it lasts', async () => {
    const { alerts, truth } = await simulateAndReplay(env, tmp.dir, ['--scenario', 'outrage', '--days', '7']);
    const incident = incidentOf(truth);
    const found = alertsFor(alerts, incident, 'negative');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.mention_ids.every((id) => typeof id === 'string')).toBe(true);
  });

  it('a quiet week of a small brand (3 mentions an hour) raises nothing', async () => {
    const { alerts } = await simulateAndReplay(env, tmp.dir, [
      '--scenario',
      'quiet',
      '--days',
      '7',
      '--rate',
      '3',
    ]);
    expect(alerts).toEqual([]);
  });

  // Evening peaks of a busy brand are its rhythm, learned hour by hour, not spikes.
  for (const [rate, days] of [
    [30, 7],
    [300, 3],
  ] as const)
    it(`${days} quiet days of a brand with ${rate} mentions an hour raise nothing`, async () => {
      const { alerts } = await replayScenario('quiet', days, rate);
      expect(alerts).toEqual([]);
    });

  it('a launch (volume up, tone glad) is not a crisis', async () => {
    const { alerts, truth } = await replayScenario('launch', 7);
    const incident = incidentOf(truth);
    const during = alerts.filter(
      (a) => Date.parse(a.at) >= Date.parse(incident.start) && Date.parse(a.at) <= Date.parse(incident.end),
    );
    expect(during.filter((a) => a.polarity === 'negative')).toEqual([]);
  });

  const stories: [ScenarioKind, string, string][] = [
    ['souring', 'negative', 'a slow souring raises a negative alert'],
    ['viral', 'negative', 'one negative post going viral raises a negative alert naming it'],
    ['positive_viral', 'positive', 'a positive post going viral raises an opportunity (positive) alert'],
    ['unanswered', 'negative', 'a large account’s complaint left unanswered raises an alert naming it'],
  ];
  for (const [scenario, polarity, title] of stories)
    it(title, async () => {
      const { alerts, truth } = await replayScenario(scenario, 10);
      expect(alertsFor(alerts, incidentOf(truth), polarity).length).toBeGreaterThan(0);
    });

  it('a source going silent raises a volume drop naming the source', async () => {
    const { alerts, truth } = await replayScenario('silence', 10);
    const incident = incidentOf(truth);
    const drops = alerts.filter((a) => a.kind === 'volume_drop');
    expect(drops.length).toBeGreaterThan(0);
    // The silence is found after it began, and it is one incident, not one a night.
    expect(drops.every((a) => Date.parse(a.at) >= Date.parse(incident.start))).toBe(true);
    expect(new Set(drops.map((a) => a.incident_id)).size).toBe(1);
    expect(drops[0]?.evidence).toMatchObject({ source: 'x' });
  });
});
