const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `90s`, `5m`, `2h`, `7d`, `1h30m` → milliseconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const parts = text.trim().match(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/g);
  if (!parts || parts.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) return null;
  let total = 0;
  for (const part of parts) {
    const m = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/.exec(part);
    if (!m) return null;
    total += Number(m[1]) * (UNITS[m[2] as string] ?? 0);
  }
  return total;
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}
