import { describe, expect, it } from 'vitest';
import { compileQuery, parseQuery, queryTerms, QuerySyntaxError, searchPlan } from '../../src/query.ts';

describe('brand queries', () => {
  it.each([
    // query, text, matches?
    ['acme', 'I flew ACME today', true],
    ['acme', 'acmeair is great', false],
    ['acme', "Acme's crew were lovely", true],
    ['acme', 'Thanks #acme!', true],
    ['acme', 'cc @Acme', true],
    ['#acme', 'I love acme', false],
    ['#acme', 'I love #Acme', true],
    ['"acme air"', 'Flying Acme Air again', true],
    ['"acme air"', 'Acme rocket air', false],
    ['acme airline', 'the airline acme', true],
    ['acme airline', 'acme only', false],
    ['acme OR globex', 'globex rules', true],
    ['acme AND (flight OR airline)', 'acme flight', true],
    ['acme AND (flight OR airline)', 'acme anvil', false],
    ['acme NOT anvil', 'acme flight', true],
    ['acme NOT anvil', 'acme anvil', false],
    ['acme -anvil', 'acme anvil', false],
    ['acme OR globex NOT anvil', 'acme anvil', true], // NOT binds to globex, inside the AND
    ['acme OR globex NOT anvil', 'globex anvil', false],
    ['refund*', 'I want my refunds now', true],
    ['refund*', 'no money back', false],
    ['cafe', 'Best café in town', true],
    ['acme', 'ＡＣＭＥ in full width', true],
    ['café', 'plain cafe', true],
    [
      '"United Airlines" OR (united AND flight) NOT "Manchester United"',
      'Manchester United flight delayed',
      false,
    ],
    ['"United Airlines" OR (united AND flight) NOT "Manchester United"', 'United Airlines lost my bag', true],
  ])('%s ~ %s → %s', (q, text, expected) => {
    expect(compileQuery(q)(text)).toBe(expected);
  });

  it.each([
    ['(acme AND airline', 'unbalanced parenthesis at 0'],
    ['acme AND (x))', 'unbalanced parenthesis at 12'],
    ['"acme air', 'unclosed quote at 0'],
    ['', 'empty query'],
    ['   ', 'empty query'],
    ['acme OR', 'expected a term after OR at 5'],
    ['acme AND', 'expected a term after AND at 5'],
    ['NOT', 'NOT cannot stand alone at 0'],
    ['acme ()', 'empty parentheses at 5'],
    ['OR acme', 'expected a term before OR at 0'],
  ])('%j is refused: %s', (q, message) => {
    expect(() => parseQuery(q)).toThrow(QuerySyntaxError);
    expect(() => parseQuery(q)).toThrow(message);
  });

  it('lists the positive terms for sources that need a search string', () => {
    expect(queryTerms('"Acme Air" OR (acme AND flight) NOT anvil')).toEqual(['"acme air"', 'acme', 'flight']);
  });
});

describe('search plans for APIs without boolean syntax', () => {
  it.each([
    ['acme', [['acme']]],
    ['"acme air" OR acme-air', [['"acme air"']]],
    [
      'acme AND (flight OR airline) NOT anvil',
      [
        ['acme', 'flight'],
        ['acme', 'airline'],
      ],
    ],
    [
      '"United Airlines" OR (united AND flight) NOT "Manchester United"',
      [['"united airlines"'], ['united', 'flight']],
    ],
    ['acme OR (acme AND flight)', [['acme']]],
    ['refund* acme', [['refund*', 'acme']]],
    ['NOT acme', [[]]],
  ])('%s → %j', (q, plan) => {
    expect(searchPlan(q)).toEqual(plan);
  });
});

describe('minus before a phrase or a group', () => {
  it.each([
    ['acme -"road runner"', 'acme and the road runner', false],
    ['acme -"road runner"', 'acme on the road', true],
    ['acme -(anvil OR rocket)', 'acme rocket', false],
    ['acme -(anvil OR rocket)', 'acme flight', true],
  ])('%s ~ %s → %s', (q, text, expected) => {
    expect(compileQuery(q)(text)).toBe(expected);
  });
});
