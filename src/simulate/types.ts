/** One line of `earshot replay` input (design.md §3): a mention as a poll saw it at `observed_at`. */
export interface Observation {
  id: string;
  source: string;
  text: string;
  created_at: string;
  observed_at: string;
  url: string;
  lang: string;
  brand: string;
  author: { handle: string; followers: number; verified: boolean };
  metrics?: Record<string, number>;
}

export const SCENARIO_KINDS = [
  'quiet',
  'outrage',
  'souring',
  'viral',
  'launch',
  'positive_viral',
  'silence',
  'unanswered',
] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];
export const SCENARIOS = [...SCENARIO_KINDS, 'mixed'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** What really happened to one brand: facts only; what an alert should have said is the judge's business. */
export interface BrandTruth {
  brand: string;
  kind: ScenarioKind;
  /** Null for a quiet brand. */
  incident: TruthIncident | null;
}

export interface TruthIncident {
  /** When the story began: its first post, the first soured day, the source going silent. */
  start: string;
  /** When it was over (the last of its posts, the end of the stream for what never stops). */
  end: string;
  /** The mentions that belong to it, as they appear in the stream (none for a silence). */
  mention_ids: string[];
}

export interface Truth {
  scenario: ScenarioName;
  seed: number;
  start: string;
  end: string;
  brands: BrandTruth[];
}

export interface SimulateOptions {
  scenario: ScenarioName;
  /** Brands in the stream; `mixed` gives each its own scenario kind. */
  brands: number;
  days: number;
  seed: number;
  /** Epoch ms of the stream's first minute. */
  start: number;
  /** The kind of each brand, in order, instead of `scenario` and `brands` (the demo picks its own). */
  kinds?: ScenarioKind[];
  /** Everyday mentions an hour per brand (on an average hour of the week); drawn per brand, 6 to 40, when absent. */
  rate?: number;
}
