import { afterEach, describe, expect, it } from 'vitest';
import { pollOnce, type Daemon } from '../../src/daemon.ts';
import { startRedditServer } from '../fakes/reddit-server.ts';
import { startXServer } from '../fakes/x-server.ts';
import { bootWithSource } from '../helpers/daemon.ts';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});
const boot = async (source: Record<string, unknown>): Promise<Daemon> =>
  await bootWithSource(source, closers);
const answered = async (d: Daemon, id: string) =>
  (await d.ctx.store.get<{ a: number | null }>('select answered_at a from mentions where id = ?', [id]))?.a;

describe("the brand's own replies", () => {
  it('x: a reply from the brand account marks the post it answers, even in a later poll', async () => {
    const f = await startXServer();
    closers.push(() => f.close());
    const complaint = {
      id: '1583926354983718500',
      text: 'acme lost my bag again',
      username: 'flyer',
      followers: 900,
      created: new Date(Date.now() - 60_000),
    };
    f.tweets.push(complaint);
    const d = await boot({ source: 'x', bearer_token: f.token, api_url: f.apiUrl, brand_handle: 'acmeair' });
    await pollOnce(d);
    expect(await answered(d, `x:${complaint.id}`)).toBeNull();
    const replyAt = new Date();
    f.tweets.push({
      id: '1583926354983718600',
      text: 'So sorry! DM us your booking reference',
      username: 'acmeair',
      followers: 50_000,
      created: replyAt,
      replyTo: complaint.id,
    });
    await pollOnce(d);
    expect(await answered(d, `x:${complaint.id}`)).toBe(replyAt.getTime());
    expect(f.queries.some((q) => q.get('query') === 'from:acmeair is:reply')).toBe(true);
  });

  it("reddit: the brand account's comments mark the posts they reply to", async () => {
    const r = await startRedditServer();
    closers.push(() => r.close());
    const now = Math.floor(Date.now() / 1000);
    r.things.push(
      {
        kind: 't3',
        id: 'p1',
        sub: 'travel',
        author: 'angry',
        title: 'acme cancelled my flight',
        text: '',
        created: now - 120,
      },
      {
        kind: 't1',
        id: 'c1',
        sub: 'travel',
        author: 'AcmeSupport',
        text: 'Hi, we are sorry, please DM us',
        created: now - 30,
        parent: 't3_p1',
      },
    );
    const d = await boot({ source: 'reddit', api_url: r.base, brand_accounts: ['AcmeSupport'] });
    await pollOnce(d);
    expect(await answered(d, 'reddit:t3_p1')).toBe((now - 30) * 1000);
  });
});
