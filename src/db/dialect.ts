import type { Dialect, Sql } from './sql.ts';

// The few phrases SQLite and PostgreSQL spell differently. Everything else Earshot writes is SQL
// both understand, so the queries stay one text each and only these pieces are chosen per store.

/** Picks the text for the store's dialect, once per call site and dialect (the result is cached by text). */
export function perDialect(sql: Pick<Sql, 'dialect'>, texts: Record<Dialect, string>): string {
  return texts[sql.dialect];
}

/** The larger of two values (SQLite's scalar max, PostgreSQL's greatest). */
export function greatest(d: Dialect, a: string, b: string): string {
  return d === 'sqlite' ? `max(${a}, ${b})` : `greatest(${a}, ${b})`;
}

/** A number read from a JSON text column at a top-level key, null when absent. */
export function jsonNumber(d: Dialect, column: string, key: string): string {
  return d === 'sqlite' ? `json_extract(${column}, '$.${key}')` : `(${column}::jsonb ->> '${key}')::float8`;
}

/** A text read from a JSON text column at a top-level key. */
export function jsonText(d: Dialect, column: string, key: string): string {
  return d === 'sqlite' ? `json_extract(${column}, '$.${key}')` : `(${column}::jsonb ->> '${key}')`;
}

/**
 * The elements of a JSON array of strings held in a text column, as a FROM item `alias` with one
 * column `value`; PostgreSQL's is LATERAL so it may name the tables before it.
 */
export function jsonStrings(d: Dialect, column: string, alias: string): string {
  return d === 'sqlite'
    ? `json_each(${column}) ${alias}`
    : `lateral json_array_elements_text(${column}::json) as ${alias}(value)`;
}
