/** What one source's backfill has done so far. */
export interface SourceProgress {
  key: string;
  pages: number;
  stored: number;
  /** The oldest post time read. */
  reached: number | null;
}

const PLAIN_EVERY = 10;

export function describe(p: SourceProgress): string {
  const back = p.reached === null ? 'nothing read yet' : `back to ${new Date(p.reached).toISOString()}`;
  return `${p.key}: ${p.pages} page(s), ${p.stored} mention(s) stored, ${back}`;
}

/**
 * One line per source on `out`: on a terminal it is redrawn in place after every page; elsewhere
 * (a log file, a pipe) a plain line every few pages and one at the end, so logs stay readable.
 */
export function progressBar(out: NodeJS.WritableStream & { isTTY?: boolean }) {
  const tty = out.isTTY === true;
  return {
    update(p: SourceProgress): void {
      if (tty) out.write(`\r\x1b[2K${describe(p)}`);
      else if (p.pages % PLAIN_EVERY === 0) out.write(`${describe(p)}\n`);
    },
    done(p: SourceProgress, how: string): void {
      out.write(`${tty ? '\r\x1b[2K' : ''}${describe(p)} (${how})\n`);
    },
  };
}
