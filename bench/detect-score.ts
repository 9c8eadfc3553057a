import type { BrandTruth, ScenarioKind } from '../src/simulate/index.ts';
import type { Polarity, Severity } from '../src/types.ts';

/** What a detector said, Earshot's or the baseline's, in the few fields the scoring reads. */
export interface Said {
  at: number;
  /** Alerts of one incident (its first alert and its updates) are one alarm. */
  incident: string;
  kind: string;
  polarity: Polarity;
  severity: Severity;
  /** The mentions it rests on: those an alert names, or those a count was made of. */
  mentionIds: string[];
  /** Whether the person alerted sees those mentions (Earshot's alerts list them; a count does not). */
  shows: boolean;
}

export interface BrandRun {
  truth: BrandTruth;
  spanStart: number;
  spanEnd: number;
  /** Creation time of each of the incident's mentions. */
  createdAt: Map<string, number>;
  said: Said[];
}

export interface BrandScore {
  kind: ScenarioKind;
  /** Null where nothing is to be found (quiet, launch). */
  detected: boolean | null;
  delayMs: number | null;
  /** Share of the incident's mentions already posted when the first warning came. */
  shareOut: number | null;
  /** A launch taken for a crisis: a negative alert while it lasted. */
  crisis: boolean | null;
  falseAlarms: number;
  /** Time outside incidents, in weeks: the exposure false alarms are counted over. */
  weeks: number;
}

const WEEK = 7 * 86_400_000;
const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * What each kind of story should raise. Negative stories: a negative alert; a good one: a positive
 * alert; a silence: an alert whose kind says silent or drop. A launch should raise nothing negative.
 */
function wanted(kind: ScenarioKind, s: Said): boolean {
  switch (kind) {
    case 'outrage':
    case 'souring':
    case 'viral':
    case 'unanswered':
      return s.polarity === 'negative';
    case 'positive_viral':
      return s.polarity === 'positive';
    case 'silence':
      return /silent|drop/.test(s.kind);
    case 'launch':
      return s.polarity !== 'negative';
    case 'quiet':
      return false;
  }
}

/**
 * Whether an alert is about the brand's incident: said while it lasted, of the wanted kind, and
 * resting mostly (half or more) on the incident's mentions — or showing the post that started it
 * (the viral post, the complaint). An incident without mentions (a silence) needs only the kind.
 */
function about(run: BrandRun, s: Said, ids: Set<string>): boolean {
  const incident = run.truth.incident;
  if (!incident || !wanted(run.truth.kind, s)) return false;
  if (s.at < Date.parse(incident.start) || s.at > Date.parse(incident.end)) return false;
  if (ids.size === 0) return true;
  const first = incident.mention_ids[0];
  if (s.shows && first !== undefined && s.mentionIds.includes(first)) return true;
  const inside = s.mentionIds.filter((id) => ids.has(id)).length;
  return s.mentionIds.length > 0 && inside / s.mentionIds.length >= 0.5;
}

export function scoreBrand(run: BrandRun): BrandScore {
  const { truth } = run;
  const incident = truth.incident;
  const ids = new Set(incident?.mention_ids ?? []);
  const explained = new Set<string>();
  for (const s of run.said) if (about(run, s, ids)) explained.add(s.incident);
  const start = incident ? Date.parse(incident.start) : 0;
  const end = incident ? Date.parse(incident.end) : 0;
  // A launch is no incident to be told of: its hours are ordinary time, where a crisis alert is false.
  const excluding = incident !== null && truth.kind !== 'launch';
  const inside = (t: number) => excluding && t >= start && t <= end;
  // False alarms are counted outside incidents only, over the time outside them.
  const firstOf = new Map<string, number>();
  for (const s of [...run.said].sort((a, b) => a.at - b.at))
    if (!firstOf.has(s.incident)) firstOf.set(s.incident, s.at);
  const alarms = [...firstOf].filter(([id, at]) => !explained.has(id) && !inside(at));
  const score: BrandScore = {
    kind: truth.kind,
    detected: null,
    delayMs: null,
    shareOut: null,
    crisis: null,
    falseAlarms: alarms.length,
    weeks: (run.spanEnd - run.spanStart - (excluding ? end - start : 0)) / WEEK,
  };
  if (!incident || truth.kind === 'quiet') return score;
  if (truth.kind === 'launch') {
    score.crisis = run.said.some((s) => s.polarity === 'negative' && s.at >= start && s.at <= end);
    return score;
  }
  const first = run.said
    .filter((s) => RANK[s.severity] >= RANK.warning && about(run, s, ids))
    .sort((a, b) => a.at - b.at)[0];
  score.detected = first !== undefined;
  if (!first) return score;
  score.delayMs = first.at - start;
  if (ids.size > 0) {
    let out = 0;
    for (const id of ids) if ((run.createdAt.get(id) ?? Infinity) <= first.at) out++;
    score.shareOut = out / ids.size;
  }
  return score;
}

export interface KindSummary {
  kind: ScenarioKind;
  runs: number;
  detected: number | null;
  /** Found among the runs that had something to find. */
  findable: number;
  medianDelayMs: number | null;
  medianShareOut: number | null;
  crises: number | null;
  falseAlarms: number;
  weeks: number;
}

export function summarise(kind: ScenarioKind, scores: BrandScore[]): KindSummary {
  const of = scores.filter((s) => s.kind === kind);
  const findable = of.filter((s) => s.detected !== null);
  const found = findable.filter((s) => s.detected);
  return {
    kind,
    runs: of.length,
    findable: findable.length,
    detected: findable.length > 0 ? found.length : null,
    medianDelayMs: median(found.map((s) => s.delayMs ?? 0)),
    medianShareOut: median(found.flatMap((s) => (s.shareOut === null ? [] : [s.shareOut]))),
    crises: kind === 'launch' ? of.filter((s) => s.crisis).length : null,
    falseAlarms: of.reduce((a, s) => a + s.falseAlarms, 0),
    weeks: of.reduce((a, s) => a + s.weeks, 0),
  };
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
