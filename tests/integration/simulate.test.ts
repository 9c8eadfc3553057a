import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertPayload } from '../../src/types.ts';
import type { Truth, TruthIncident } from '../../src/simulate/index.ts';
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

describe('earshot simulate | earshot replay', () => {
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

  // Not met yet: the volume-spike rule compares the last hour with the week's flat mean, so every
  // evening peak of a brand with 30 or 300 mentions an hour looks like three times the usual
  // (measured: 2 to 3 alerts in each such quiet week). Needs the hour-of-day and weekday baseline of
  // issue 5; turn these into `it` when the detectors land.
  for (const rate of ['30', '300'])
    it.todo(`a quiet week of a brand with ${rate} mentions an hour raises nothing`, async () => {
      const { alerts } = await simulateAndReplay(env, tmp.dir, [
        '--scenario',
        'quiet',
        '--days',
        '7',
        '--rate',
        rate,
      ]);
      expect(alerts).toEqual([]);
    });

  // Not met yet: the volume-spike rule counts negatives only, and a launch at five times the volume
  // brings a few grumbles that, against the flat weekly mean, look like a spike (measured: a negative
  // alert during the launch for a brand of 6 and of 30 mentions an hour).
  it.todo('a launch (volume up, tone glad) is not a crisis', async () => {
    const { alerts, truth } = await simulateAndReplay(env, tmp.dir, ['--scenario', 'launch', '--days', '7']);
    const incident = incidentOf(truth);
    const during = alerts.filter(
      (a) => Date.parse(a.at) >= Date.parse(incident.start) && Date.parse(a.at) <= Date.parse(incident.end),
    );
    expect(during.filter((a) => a.polarity === 'negative')).toEqual([]);
  });

  // Not met yet: the rules of issue 5 that are being written (negative shift, viral post,
  // opportunity, unanswered complaint, volume drop). Turn each into `it` when its rule lands.
  const pending: [string, string, string][] = [
    ['souring', 'negative', 'a slow souring raises a negative alert'],
    ['viral', 'negative', 'one negative post going viral raises a negative alert naming it'],
    ['positive_viral', 'positive', 'a positive post going viral raises an opportunity (positive) alert'],
    ['unanswered', 'negative', 'a large account’s complaint left unanswered raises an alert naming it'],
  ];
  for (const [scenario, polarity, title] of pending)
    it.todo(title, async () => {
      const { alerts, truth } = await simulateAndReplay(env, tmp.dir, [
        '--scenario',
        scenario,
        '--days',
        '10',
      ]);
      expect(alertsFor(alerts, incidentOf(truth), polarity).length).toBeGreaterThan(0);
    });

  it.todo('a source going silent (volume halved) raises an alert', async () => {
    const { alerts, truth } = await simulateAndReplay(env, tmp.dir, [
      '--scenario',
      'silence',
      '--days',
      '10',
    ]);
    const incident = incidentOf(truth);
    expect(
      alerts.some((a) => /silent|drop/.test(a.kind) && Date.parse(a.at) >= Date.parse(incident.start)),
    ).toBe(true);
  });
});
