import { z } from 'zod';

// A date JavaScript cannot hold would become an Invalid Date in the mention and NaN in the cursor:
// such an item is unreadable, and skipped with a warning like any other.
const MAX_MS = 8.64e15;

/** A date string the API sent (ISO 8601 or RFC 2822) that parses to a real instant. */
export const dateString = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'not a date');

/** Unix seconds that make a real instant. */
export const unixSeconds = z
  .number()
  .refine((n) => Number.isFinite(n) && Math.abs(n * 1000) <= MAX_MS, 'not a time in unix seconds');
