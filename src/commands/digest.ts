import type { Config } from '../config.ts';
import type { Store } from '../db/client.ts';
import { buildDigest, digestPath, saveHtml } from '../digest/build.ts';
import { count, net } from '../digest/format.ts';
import { addDays, checkDate, localDate } from '../digest/time.ts';

export interface DigestCommandOptions {
  brand: string;
  /** YYYY-MM-DD, the brand's local day; yesterday there by default. */
  date?: string;
  week?: boolean;
  /** Where the HTML goes; the usual place under data/digests/ by default. */
  out?: string;
}

/**
 * `earshot digest --brand B --date D [--out FILE]`: builds any day's report from the database and
 * saves its web copy, without sending it. Returns the line to print; throws a one-line reason.
 */
export function runDigest(store: Store, config: Config, o: DigestCommandOptions, now: number): string {
  const brand = config.brands.find((b) => b.name === o.brand);
  if (!brand)
    throw new Error(
      `no brand is named "${o.brand}" in ${config.file ?? 'the configuration'} (brands: ${config.brands.map((b) => b.name).join(', ') || 'none'})`,
    );
  const date = o.date !== undefined ? checkDate(o.date) : addDays(localDate(brand.timezone, now), -1);
  const built = buildDigest(store, config, brand, o.week ? 'week' : 'day', date, now);
  const file = o.out ?? digestPath(config.settings.dataDir, built.report);
  try {
    saveHtml(file, built.html);
  } catch (err) {
    throw new Error(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: err,
    });
  }
  const r = built.report;
  const what = r.quiet
    ? 'a quiet day'
    : `${count(r.totals.volume)} mentions, net sentiment ${net(r.totals.net)}, ${r.incidents.length} incident(s), ${r.unansweredCount} unanswered complaint(s)`;
  return `${r.id} (${r.from === r.date ? r.date : `${r.from} to ${r.date}`}, ${r.timezone}): ${what}; written to ${file}\n`;
}
