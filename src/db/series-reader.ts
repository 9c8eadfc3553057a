import type { SeriesReader } from '../detection/series.ts';
import type { Store } from './client.ts';
import {
  historyStart,
  hourlyCounts,
  labelledMentions,
  sourceCounts,
  unansweredComplaints,
  viralMentions,
  windowCounts,
} from './series.ts';

const readers = new WeakMap<Store, SeriesReader>();

/**
 * Detection's reads answered by the database, as the live daemon needs them: every daemon sharing
 * the database sees what the others stored. One reader per store, so caches keyed on it last.
 */
export function storedSeries(store: Store): SeriesReader {
  let r = readers.get(store);
  if (!r) {
    r = {
      hourlyCounts: (brand, from, to) => hourlyCounts(store, brand, from, to),
      windowCounts: (brand, from, to, volume) => windowCounts(store, brand, from, to, volume),
      labelledMentions: (brand, label, from, to, limit) =>
        labelledMentions(store, brand, label, from, to, limit),
      viralMentions: (brand, min, since) => viralMentions(store, brand, min, since),
      unansweredComplaints: (brand, from, to, minReach) =>
        unansweredComplaints(store, brand, from, to, minReach),
      historyStart: (brand) => historyStart(store, brand),
      sourceCounts: (brand, from, to, hours) => sourceCounts(store, brand, from, to, hours),
    };
    readers.set(store, r);
  }
  return r;
}
