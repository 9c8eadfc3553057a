import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../src/commands/replay.ts';
import { buildConfig } from '../../src/config.ts';
import type { AlertPayload } from '../../src/types.ts';

// Every rule through the whole replay pipeline (analysis, near-duplicates, a real SQLite store,
// detection, incidents), on streams written for these tests.
const HOUR = 3_600_000;
const START = Date.parse('2026-10-05T00:00:00Z');
const NEUTRAL = 'acme flight AC12 departs from gate 4 at 9';
const NEGATIVE = 'acme lost my bag, never again, terrible service';
const POSITIVE = 'acme staff found my lost ring and drove it to my house, what a wonderful crew';

interface Obs {
  id: string;
  text: string;
  created_at: string;
  observed_at?: string;
  source?: string;
  brand?: string;
  author?: { handle: string; followers: number };
  metrics?: Record<string, number>;
}

// Place and time words that carry no tone: five of them make each post its own (no near-duplicates).
const FILLER =
  `oslo paris lima rome cairo tokyo dublin quito seoul berlin monday tuesday friday sunday morning
  evening noon midnight terminal gate lounge shuttle taxi train bus window aisle row seat ticket
  luggage passport visa sister brother cousin colleague neighbour uncle aunt daughter son
  july august winter spring summer autumn weekend holiday conference wedding meeting`.split(/\s+/);
let rng = 7;
const word = () => FILLER[((rng = (rng * 1103515245 + 12345) % 2 ** 31) >> 8) % FILLER.length];
const vary = (text: string) => `${text} ${word()} ${word()} ${word()} ${word()} ${word()}`;

let seq = 0;
const iso = (t: number) => new Date(t).toISOString();
/** Two days of ordinary traffic: 10 posts an hour, one in ten negative, each worded its own way. */
function quiet(hours = 48): Obs[] {
  const out: Obs[] = [];
  for (let h = 0; h < hours; h++)
    for (let i = 0; i < 10; i++) {
      const n = seq++;
      out.push({
        id: `x:${9_000_000_000_000_000_000n + BigInt(n)}`,
        brand: 'acme',
        text: vary(i === 0 ? NEGATIVE : NEUTRAL),
        created_at: iso(START + h * HOUR + i * 6 * 60_000),
      });
    }
  return out;
}

async function replay(lines: Obs[]): Promise<AlertPayload[]> {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (c: Buffer) => chunks.push(c.toString()));
  const code = await runReplay({
    input: Readable.from(lines.map((l) => `${JSON.stringify(l)}\n`)),
    output,
    errors: new PassThrough(),
    config: buildConfig({ brands: [{ name: 'acme', query: 'acme' }] }, {}),
  });
  expect(code).toBe(0);
  return chunks
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AlertPayload);
}

/** A post seen every 10 minutes for two hours, its likes and reposts growing. */
function growing(id: string, text: string, at: number, followers: number, likesPerStep: number): Obs[] {
  return Array.from({ length: 12 }, (_, i) => ({
    id,
    brand: 'acme',
    source: 'x',
    text,
    created_at: iso(at),
    observed_at: iso(at + (i + 1) * 10 * 60_000),
    author: { handle: `h${id}`, followers },
    metrics: {
      likes: likesPerStep * (i + 1) * (i + 1),
      reposts: Math.round((likesPerStep * (i + 1) * (i + 1)) / 4),
    },
  }));
}

describe('detection in replay', () => {
  it('ordinary days raise nothing', async () => {
    expect(await replay(quiet(72))).toEqual([]);
  });

  it('a launch (ten times the volume, the usual tone) is not a crisis', async () => {
    const launch: Obs[] = [];
    for (let i = 0; i < 100; i++)
      launch.push({
        id: `launch${i}`,
        brand: 'acme',
        text: vary(i % 10 === 0 ? NEGATIVE : 'the new acme app is here, book seats in two taps'),
        created_at: iso(START + 48 * HOUR + i * 36_000),
      });
    const alerts = await replay([...quiet(), ...launch]);
    expect(alerts.filter((a) => a.polarity === 'negative')).toEqual([]);
  });

  it('a negative post spreading fast is a viral post, a positive one an opportunity', async () => {
    const at = START + 48 * HOUR;
    const alerts = await replay([
      ...quiet(),
      ...growing('x:1583926354983718001', NEGATIVE, at, 300, 8),
      ...growing('x:1583926354983718002', POSITIVE, at, 300, 8),
    ]);
    const viral = alerts.find((a) => a.kind === 'viral_post');
    const chance = alerts.find((a) => a.kind === 'opportunity');
    expect(viral).toMatchObject({ polarity: 'negative', mention_ids: ['x:1583926354983718001'] });
    expect(chance).toMatchObject({ polarity: 'positive', mention_ids: ['x:1583926354983718002'] });
    expect(viral?.incident_id).not.toBe(chance?.incident_id);
    // Found while the post grows, well before its last reading.
    expect(Date.parse(viral!.at)).toBeLessThan(at + 100 * 60_000);
    // One alert per post's incident, then updates only when the severity rises.
    expect(alerts.filter((a) => a.incident_id === viral?.incident_id && !a.update)).toHaveLength(1);
  });

  it('a witness post of a crisis is a crisis post within minutes; a threat said in passing is not', async () => {
    const at = START + 48 * HOUR;
    const post = (id: string, text: string, t: number) => ({
      id,
      brand: 'acme',
      source: 'x',
      text,
      created_at: iso(t),
      author: { handle: `h${id.slice(-3)}`, followers: 5_000 },
    });
    const alerts = await replay([
      ...quiet(),
      post('x:1583926354983718101', 'honestly I should sue acme over this refund, ridiculous', at),
      post(
        'x:1583926354983718102',
        'acme staff dragged my father off the plane and laughed at him. Disgusting. Video below',
        at + 3 * HOUR,
      ),
      ...quiet(6).map((o) => ({ ...o, created_at: iso(Date.parse(o.created_at) + 48 * HOUR) })),
    ]);
    const crisis = alerts.filter((a) => a.kind === 'crisis_post');
    expect(crisis).toHaveLength(1);
    expect(crisis[0]).toMatchObject({
      polarity: 'negative',
      severity: 'warning',
      mention_ids: ['x:1583926354983718102'],
    });
    expect(crisis[0]?.title).toMatch(/^@h102 \(5,000 followers\) reports injury: "acme staff dragged/);
    expect(Date.parse(crisis[0]!.at) - (at + 3 * HOUR)).toBeLessThanOrEqual(2 * 60_000);
  });

  it('a complaint from a large account left unanswered is reported after the wait', async () => {
    const at = START + 48 * HOUR;
    const alerts = await replay([
      ...quiet(),
      {
        id: 'x:1583926354983718003',
        brand: 'acme',
        source: 'x',
        text: 'acme cancelled my flight and nobody answers the phone, still waiting',
        created_at: iso(at),
        author: { handle: 'bigvoice', followers: 400_000 },
      },
      ...quiet(4).map((o) => ({ ...o, created_at: iso(Date.parse(o.created_at) + 48 * HOUR) })),
    ]);
    const waiting = alerts.find((a) => a.kind === 'unanswered_complaint');
    expect(waiting).toMatchObject({ polarity: 'negative', mention_ids: ['x:1583926354983718003'] });
    expect(Date.parse(waiting!.at) - at).toBeGreaterThanOrEqual(2 * HOUR);
    expect(Date.parse(waiting!.at) - at).toBeLessThan(2 * HOUR + 16 * 60_000);
  });

  it('a slow souring at normal volume is a negative shift', async () => {
    const sour: Obs[] = [];
    for (let h = 0; h < 12; h++)
      for (let i = 0; i < 10; i++)
        sour.push({
          id: `sour${h}-${i}`,
          brand: 'acme',
          // Half of the posts negative now, at the usual ten an hour.
          text: vary(i % 2 === 0 ? NEGATIVE : NEUTRAL),
          created_at: iso(START + (72 + h) * HOUR + i * 6 * 60_000),
        });
    // Souring is judged against two days of history or more: three days of ordinary talk first.
    const alerts = await replay([...quiet(72), ...sour]);
    expect(alerts.some((a) => a.kind === 'negative_shift' && a.polarity === 'negative')).toBe(true);
  });

  it('a notice pasted every hour does not make the usual tone of the originals read as souring', async () => {
    const days: Obs[] = [];
    for (let h = 0; h < 96; h++)
      for (let i = 0; i < 18; i++)
        days.push({
          id: `notice${h}-${i}`,
          brand: 'acme',
          // A third of the originals negative all along; twelve copies of one notice an hour besides.
          text:
            i < 2
              ? vary(NEGATIVE)
              : i < 6
                ? vary(NEUTRAL)
                : 'acme notice: gates close 30 minutes before departure',
          created_at: iso(START + h * HOUR + i * 3 * 60_000),
        });
    expect(await replay(days)).toEqual([]);
  });
});
