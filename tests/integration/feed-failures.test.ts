import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildConfig } from '../../src/config.ts';
import { pollOnce, startDaemon, type Daemon } from '../../src/daemon.ts';
import { getCursor } from '../../src/db/mentions.ts';
import { startFeedServer } from '../fakes/feed-server.ts';
import { tempDir } from '../helpers/cli.ts';
import { testDatabase } from '../helpers/db.ts';

type Feed = Awaited<ReturnType<typeof startFeedServer>>;

describe('a malformed or unreachable feed', () => {
  let feed: Feed;
  let tmp: ReturnType<typeof tempDir>;
  let daemon: Daemon | undefined;
  let logs: string[];

  beforeEach(async () => {
    feed = await startFeedServer();
    tmp = tempDir();
    logs = [];
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    await feed.close();
    tmp.cleanup();
  });

  async function boot(sources: unknown[]): Promise<Daemon> {
    const config = buildConfig(
      { brands: [{ name: 'acme', query: 'acme', sources }] },
      { EARSHOT_DATA_DIR: tmp.dir, ...testDatabase(tmp.dir).env },
    );
    const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    daemon = await startDaemon({ config, env: {}, log, schedule: false });
    return daemon;
  }

  const post = (id: string) => ({
    id,
    title: `acme ${id}`,
    body: 'acme news',
    link: `https://n.example/${id}`,
    published: new Date(),
    author: 'a',
  });

  it('logs an error naming the source, keeps its cursor, and the other sources go on', async () => {
    feed.setFeed('/good.xml', { kind: 'rss', items: [post('1'), post('2')] });
    feed.setRaw('/broken.xml', 200, '<rss><channel><item><title>acme</ti', {
      'content-type': 'application/rss+xml',
    });
    const d = await boot([
      { source: 'rss', name: 'good', feeds: [feed.url('/good.xml')] },
      { source: 'rss', name: 'broken', feeds: [feed.url('/broken.xml')] },
      { source: 'rss', name: 'down', feeds: ['http://127.0.0.1:1/feed.xml'] },
    ]);
    await pollOnce(d);

    const db = d.ctx.store;
    expect((await getCursor(db, 'acme', 'good'))?.cursor).not.toBeNull();
    expect(await d.ctx.store.get('select count(*) n from mentions')).toEqual({ n: 2 });
    for (const key of ['broken', 'down']) {
      const row = await getCursor(db, 'acme', key);
      expect(row?.cursor).toBeNull();
      expect(row?.consecutiveFailures).toBe(1);
      const line = logs.find((l) => l.includes(`"source":"${key}"`) && l.includes('failed'));
      expect(line, `an error line for ${key}`).toBeDefined();
    }
    expect(logs.join('\n')).toMatch(/broken\.xml/);

    // The broken feed mends: the next poll picks up from where the cursor was.
    feed.setFeed('/broken.xml', { kind: 'rss', items: [post('3')] });
    await pollOnce(d);
    expect((await getCursor(db, 'acme', 'broken'))?.consecutiveFailures).toBe(0);
    expect(await d.ctx.store.get('select count(*) n from mentions')).toEqual({ n: 3 });
  });
});
