import type { Store } from '../../src/db/client.ts';
import { insertIncident } from '../../src/db/incidents.ts';
import { storeMentions } from '../../src/db/mentions.ts';
import type { AnalyzedMention, SentimentLabel } from '../../src/types.ts';

export interface Post {
  id: string;
  at: string;
  label: SentimentLabel;
  text?: string;
  source?: string;
  author?: string;
  reach?: number;
  intents?: string[];
  likes?: number;
  answeredAt?: string;
  duplicateOf?: string;
}

/** Stores posts as the poll job would, with the sentiment and intents given (not guessed). */
export async function storePosts(store: Store, brand: string, posts: Post[]): Promise<void> {
  const list: AnalyzedMention[] = posts.map((p) => ({
    id: p.id,
    source: p.source ?? 'x',
    url: `https://example.com/${p.id}`,
    text: p.text ?? `${p.label} words about ${brand}`,
    createdAt: new Date(p.at),
    metrics: p.likes !== undefined ? { likes: p.likes } : {},
    brand,
    observedAt: new Date(p.at),
    lang: 'en',
    sentiment: { label: p.label, score: p.label === 'negative' ? -0.6 : p.label === 'positive' ? 0.6 : 0 },
    intents: (p.intents ?? []).map((name) => ({ name, confidence: 0.8 })),
    ...(p.author ? { author: { handle: p.author, followers: 100 } } : {}),
    ...(p.reach !== undefined ? { reach: p.reach } : {}),
    ...(p.answeredAt ? { answeredAt: new Date(p.answeredAt) } : {}),
    ...(p.duplicateOf ? { duplicateOf: p.duplicateOf } : {}),
  }));
  await store.tx(() => storeMentions(store, brand, 'x', list, Date.parse(posts[0]?.at ?? '2026-01-01')));
}

/**
 * A week of London talk about `acme` ending on Sunday 29 March 2026, the 23-hour day the clocks go
 * forward, with an acknowledged incident that day, complaints waiting, and a competitor.
 */
export async function seedIncidentWeek(store: Store): Promise<{ incidentIds: string[] }> {
  const posts: Post[] = [];
  // 22 to 28 March: 10 a day at noon UTC (noon or 1 p.m. in London), 2 negative, 5 neutral, 3 positive.
  for (let d = 22; d <= 28; d++)
    for (let i = 0; i < 10; i++)
      posts.push({
        id: `x:${d}-${i}`,
        at: `2026-03-${d}T12:${String(i).padStart(2, '0')}:00Z`,
        label: i < 2 ? 'negative' : i < 7 ? 'neutral' : 'positive',
      });
  // 29 March (BST from 01:00 UTC): 00:30 GMT is already the 29th in London, 23:30 BST too, 00:30 BST on the 30th is not.
  posts.push({ id: 'x:early', at: '2026-03-29T00:30:00Z', label: 'neutral' });
  posts.push({
    id: 'x:late',
    at: '2026-03-29T22:30:00Z',
    label: 'positive',
    author: 'fan',
    reach: 900,
    likes: 40,
  });
  posts.push({ id: 'x:next-day', at: '2026-03-29T23:30:00Z', label: 'negative' });
  const incidentIds: string[] = [];
  for (let i = 0; i < 30; i++) {
    const id = `x:storm-${i}`;
    incidentIds.push(id);
    posts.push({
      id,
      // 11:00 to 11:29 BST = 10:00Z: the incident's peak hour.
      at: `2026-03-29T10:${String(i).padStart(2, '0')}:00Z`,
      label: 'negative',
      author: i === 0 ? 'angry-flyer' : `person${i}`,
      reach: i === 0 ? 80_000 : 100 + i,
      likes: i === 0 ? 900 : 1,
      text: i === 0 ? 'Acme lost my bag <b>again</b> and nobody answers' : `Acme lost a bag again (${i})`,
      intents: ['complaint'],
      ...(i > 25 ? { duplicateOf: 'x:storm-0' } : {}),
    });
  }
  posts.push(
    {
      id: 'x:question',
      at: '2026-03-29T14:00:00Z',
      label: 'neutral',
      intents: ['question'],
      reach: 300,
      text: 'Does Acme fly to Lisbon?',
    },
    {
      id: 'x:buyer',
      at: '2026-03-29T15:00:00Z',
      label: 'positive',
      intents: ['purchase_intent'],
      reach: 200,
      text: 'About to book Acme for May',
    },
    // Complaints of the days before: one still waiting (large), one answered, one where answers do not show.
    {
      id: 'x:waiting',
      at: '2026-03-27T09:00:00Z',
      label: 'negative',
      intents: ['complaint'],
      reach: 50_000,
      author: 'big-account',
      text: 'Still no refund from Acme',
    },
    {
      id: 'x:answered',
      at: '2026-03-27T10:00:00Z',
      label: 'negative',
      intents: ['complaint'],
      reach: 60_000,
      answeredAt: '2026-03-27T11:00:00Z',
    },
    {
      id: 'rss:news',
      at: '2026-03-27T11:00:00Z',
      label: 'negative',
      source: 'rss',
      intents: ['complaint'],
      reach: 70_000,
    },
  );
  await storePosts(store, 'acme', posts);
  await storePosts(
    store,
    'rival',
    Array.from({ length: 20 }, (_, i) => ({
      id: `x:r${i}`,
      at: `2026-03-29T13:${String(i).padStart(2, '0')}:00Z`,
      label: 'neutral' as const,
    })),
  );
  await insertIncident(store, {
    id: 'acme-volume-spike-20260329T1010',
    brand: 'acme',
    kind: 'volume_spike',
    polarity: 'negative',
    severity: 'critical',
    status: 'acknowledged',
    title: '"lost my bag again": 30 negative mentions of Acme in 60 min (usually 0.1)',
    openedAt: Date.parse('2026-03-29T10:10:00Z'),
    updatedAt: Date.parse('2026-03-29T10:40:00Z'),
    lastActivityAt: Date.parse('2026-03-29T10:29:00Z'),
    acknowledgedAt: Date.parse('2026-03-29T10:20:00Z'),
    acknowledgedBy: 'alice',
    mentionCount: incidentIds.length,
    mentionIds: incidentIds,
    evidence: {},
  });
  return { incidentIds };
}

export const DIGEST_BRANDS = [
  {
    name: 'acme',
    display_name: 'Acme Air',
    query: 'acme',
    timezone: 'Europe/London',
    competitors: ['rival'],
  },
  { name: 'rival', display_name: 'Rival Jets', query: 'rival', digest: false },
];

/**
 * A second brand beside `acme` for a team's digest: `acme-cargo`, whose own zone is New York while
 * the team's is London, so that its section must count the London day. 5 posts on Saturday 28
 * March; on Sunday 29 in London 7: one at 02:00 UTC (still Saturday in New York), six in the
 * afternoon; one at 23:30 UTC, Sunday evening in New York but Monday in London.
 */
export async function seedCargoDays(store: Store): Promise<void> {
  const saturday = Array.from({ length: 5 }, (_, i): Post => ({
    id: `x:c28-${i}`,
    at: `2026-03-28T12:0${i}:00Z`,
    label: i < 3 ? 'neutral' : 'positive',
  }));
  await storePosts(store, 'acme-cargo', [
    ...saturday,
    { id: 'x:c-early', at: '2026-03-29T02:00:00Z', label: 'negative', author: 'shipper', reach: 400 },
    ...(['positive', 'positive', 'positive', 'neutral', 'neutral', 'negative'] as const).map((label, i) => ({
      id: `x:c29-${i}`,
      at: `2026-03-29T14:0${i}:00Z`,
      label,
      text: `Acme Cargo ${label} (${i})`,
    })),
    { id: 'x:c-late', at: '2026-03-29T23:30:00Z', label: 'positive' },
  ]);
}

/** The brands of a team's digest: `acme-cargo` is listed first, and has no report of its own. */
export const TEAM_BRANDS = [
  {
    name: 'acme-cargo',
    display_name: 'Acme Cargo',
    query: 'cargo',
    timezone: 'America/New_York',
    digest: false,
  },
  ...DIGEST_BRANDS,
];

export const PR_TEAM = {
  name: 'pr',
  display_name: 'PR team',
  brands: ['acme-cargo', 'acme'],
  timezone: 'Europe/London',
};
