import type { Sql } from './sql.ts';

interface Waiting<T> {
  item: T;
  done: () => void;
  fail: (err: unknown) => void;
}

/**
 * Writes made by many concurrent jobs, committed together: one transaction on the next turn of the
 * event loop instead of one commit each. Each caller waits for the commit that holds its write, so
 * a job still finishes only once its record is in the database.
 */
export class GroupCommit<T> {
  private waiting: Waiting<T>[] = [];

  constructor(
    private readonly db: Sql,
    private readonly write: (item: T) => Promise<void>,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((done, fail) => {
      if (this.waiting.push({ item, done, fail }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting.splice(0);
    try {
      await this.db.tx(async () => {
        for (const w of batch) await this.write(w.item);
      });
    } catch (err) {
      for (const w of batch) w.fail(err);
      return;
    }
    for (const w of batch) w.done();
  }
}
