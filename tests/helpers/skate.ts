import type { Example } from '../../src/analysis/adapt.ts';

/**
 * Labelled mentions of a skateboard brand, made up for the tests: its fans praise in slang the
 * general scorer reads as bad news ("sick", "insane", "wicked", "gnarly"), while real complaints
 * read as complaints anywhere.
 */
export function skateExamples(n: number): Example[] {
  const things = [
    'kickflip',
    'deck',
    'new wheels',
    'video part',
    'trucks',
    'board',
    'park session',
    'grip tape',
  ];
  const slang = ['sick', 'insane', 'wicked', 'gnarly', 'sick as hell', 'so sick'];
  const bad = [
    'arrived broken',
    'snapped after a week',
    'never shipped',
    'was refunded late',
    'cracked on day one',
  ];
  const plain = ['ships on monday', 'is in stock at the shop', 'comes in three sizes', 'drops friday'];
  const out: Example[] = [];
  for (let i = 0; out.length < n; i++) {
    const t = things[i % things.length] ?? '';
    if (i % 3 === 0)
      out.push({ text: `that ${t} is ${slang[i % slang.length] ?? ''} #${i}`, label: 'positive' });
    else if (i % 3 === 1)
      out.push({ text: `my ${t} ${bad[i % bad.length] ?? ''}, not happy #${i}`, label: 'negative' });
    else out.push({ text: `the ${t} ${plain[i % plain.length] ?? ''} #${i}`, label: 'neutral' });
  }
  return out;
}
