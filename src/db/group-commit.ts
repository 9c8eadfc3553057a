import type Database from 'better-sqlite3';

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
    private readonly sqlite: Database.Database,
    private readonly write: (item: T) => void,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((done, fail) => {
      if (this.waiting.push({ item, done, fail }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.waiting.splice(0);
    try {
      this.sqlite.transaction(() => {
        for (const w of batch) this.write(w.item);
      })();
    } catch (err) {
      for (const w of batch) w.fail(err);
      return;
    }
    for (const w of batch) w.done();
  }
}
