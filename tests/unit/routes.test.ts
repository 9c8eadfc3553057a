import { describe, expect, it } from 'vitest';
import {
  channelsFor,
  dominantIntents,
  escalationLoops,
  matchingRoutes,
  passesCooldown,
} from '../../src/alerts/routes.ts';
import { buildConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { sampleAlert } from '../helpers/alert.ts';

const MIN = 60_000;

const problemsOf = (routes: unknown[]): string[] => {
  try {
    buildConfig({ channels: { a: { type: 'console' }, b: { type: 'console' } }, routes }, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

const routesOf = (routes: unknown[]) =>
  buildConfig(
    {
      channels: { support: { type: 'console' }, marketing: { type: 'console' }, oncall: { type: 'console' } },
      routes,
    },
    {},
  ).routes;

describe('routes by intent', () => {
  const routes = routesOf([
    { name: 'support', channels: ['support'], intents: ['complaint', 'question'] },
    { name: 'marketing', channels: ['marketing'], intents: ['purchase_intent'] },
    { name: 'marketing-opportunities', channels: ['marketing'], kinds: ['opportunity'] },
    { name: 'on-call', channels: ['oncall'], severities: ['critical'] },
    { name: 'lead', channels: ['oncall'], escalation_only: true },
  ]);
  const enabled = new Set(['support', 'marketing', 'oncall']);

  it('sends complaints to support and purchase intent to marketing', () => {
    const complaint = sampleAlert({ severity: 'warning', intents: ['complaint'] });
    expect(channelsFor(complaint, routes, enabled)).toEqual(['support']);
    const buying = sampleAlert({
      severity: 'info',
      polarity: 'positive',
      intents: ['purchase_intent', 'praise'],
    });
    expect(channelsFor(buying, routes, enabled)).toEqual(['marketing']);
  });

  it('needs one of the named intents: an alert without intents passes only routes that name none', () => {
    const silent = sampleAlert({ severity: 'critical', kind: 'source_silent' });
    expect(matchingRoutes(silent, routes).map((r) => r.name)).toEqual(['on-call']);
    const opportunity = sampleAlert({ severity: 'info', kind: 'opportunity', intents: ['praise'] });
    expect(channelsFor(opportunity, routes, enabled)).toEqual(['marketing']);
  });

  it('never routes to a route that only takes escalations', () => {
    const crisis = sampleAlert({ severity: 'critical', intents: ['complaint'] });
    expect(matchingRoutes(crisis, routes).map((r) => r.name)).toEqual(['support', 'on-call']);
  });
});

describe('dominant intents of an incident', () => {
  it('keeps the intents of at least a quarter of the mentions, most common first, three at most', () => {
    const mentions = [
      ['complaint'],
      ['complaint', 'question'],
      ['complaint', 'crisis_viral'],
      ['question'],
      [],
      [],
      [],
      ['praise'],
    ];
    expect(dominantIntents(mentions)).toEqual(['complaint', 'question']);
    expect(dominantIntents([])).toEqual([]);
    expect(dominantIntents([['a', 'a'], ['b'], ['c'], ['d']])).toEqual(['a', 'b', 'c']);
  });
});

describe('cooldown per route', () => {
  const route = { cooldown: 30 * MIN };
  const sent = { lastSentAt: 0, lastSeverity: 'warning' as const };

  it('lets the first alert of an incident through', () => {
    expect(passesCooldown(route, undefined, { severity: 'warning' }, 0)).toBe(true);
  });
  it('holds back a repeat within the cooldown, and lets it through after', () => {
    expect(passesCooldown(route, sent, { severity: 'warning' }, 29 * MIN)).toBe(false);
    expect(passesCooldown(route, sent, { severity: 'info' }, 29 * MIN)).toBe(false);
    expect(passesCooldown(route, sent, { severity: 'warning' }, 30 * MIN)).toBe(true);
  });
  it('never holds back a rise in severity, nor the end of an incident', () => {
    expect(passesCooldown(route, sent, { severity: 'critical' }, MIN)).toBe(true);
    expect(passesCooldown(route, sent, { severity: 'warning', status: 'resolved' }, MIN)).toBe(true);
  });
  it('holds nothing back on a route without a cooldown', () => {
    expect(passesCooldown({}, sent, { severity: 'warning' }, 1)).toBe(true);
  });
});

describe('route configuration', () => {
  it('reads cooldowns and escalations as durations', () => {
    const [first] = routesOf([
      { name: 'a', channels: ['support'], cooldown: '30m', escalate_after: '15m', escalate_to: 'b' },
      { name: 'b', channels: ['oncall'], escalation_only: true },
    ]);
    expect(first).toMatchObject({ cooldown: 30 * MIN, escalate_after: 15 * MIN, escalate_to: 'b' });
  });

  it('allows chains and refuses loops, naming the routes', () => {
    expect(
      problemsOf([
        { name: 'a', channels: ['a'], escalate_after: '15m', escalate_to: 'b' },
        { name: 'b', channels: ['b'], escalate_after: '30m', escalate_to: 'c' },
        { name: 'c', channels: ['b'] },
      ]),
    ).toEqual([]);
    expect(
      problemsOf([
        { name: 'a', channels: ['a'], escalate_after: '15m', escalate_to: 'b' },
        { name: 'b', channels: ['b'], escalate_after: '30m', escalate_to: 'c' },
        { name: 'c', channels: ['b'], escalate_after: '1h', escalate_to: 'a' },
        { name: 'd', channels: ['b'], escalate_after: '1h', escalate_to: 'd' },
      ]),
    ).toEqual([
      'routes: escalation goes round in a loop: a → b → c → a (end the chain at a route without escalate_to)',
      'routes: escalation goes round in a loop: d → d (end the chain at a route without escalate_to)',
    ]);
  });

  it('finds each loop once, wherever the chain starts', () => {
    expect(
      escalationLoops([
        { name: 'x', escalate_to: 'a' },
        { name: 'a', escalate_to: 'b' },
        { name: 'b', escalate_to: 'a' },
      ]),
    ).toEqual([['a', 'b', 'a']]);
  });

  it('lists every problem of names, intents, cooldowns and escalations with its path', () => {
    expect(
      problemsOf([
        { name: 'a', channels: ['a'], intents: ['complaints'] },
        { name: 'a', channels: ['b'] },
        { channels: ['a'], cooldown: '10m' },
        { name: 'c', channels: ['a'], escalate_after: '15m' },
        { name: 'd', channels: ['a'], escalate_to: 'nowhere' },
        { name: 'e', channels: ['a'], cooldown: 'soon' },
      ]),
    ).toEqual([
      expect.stringMatching(/^routes\[5\]\.cooldown: "soon" is not a duration/),
      expect.stringMatching(/^routes\[0\]\.intents\[0\]: unknown intent "complaints" \(known: complaint, /),
      'routes[1].name: "a" is used by another route',
      'routes[2]: a route with cooldown needs a name',
      'routes[3].escalate_to: escalate_after needs the name of the route to escalate to',
      'routes[4].escalate_after: escalate_to needs the time to wait (for example 15m)',
      'routes[4].escalate_to: no route is named "nowhere"',
    ]);
  });
});
