/** ln Γ(x) by Lanczos (g = 7, n = 9): accurate to ~1e-15 for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * P(X ≥ k) for X ~ Poisson(λ): the chance of seeing k or more events by luck. Exact for small
 * counts, which is where a normal approximation would cry wolf (a brand with 3 mentions an hour).
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  if (k <= lambda) {
    // Below the mean the tail is large; sum the lower part instead and stay exact.
    let term = Math.exp(-lambda);
    let lower = 0;
    if (term === 0) return 1;
    for (let i = 0; i < k; i++) {
      lower += term;
      term *= lambda / (i + 1);
    }
    return Math.max(0, 1 - lower);
  }
  let logTerm = -lambda + k * Math.log(lambda) - lnGamma(k + 1);
  let sum = 0;
  for (let i = k; i < k + 10_000; i++) {
    const term = Math.exp(logTerm);
    // Above the mean every term is smaller than the last: once one is too small for a double, so
    // are all the rest, and adding them would change nothing (a count far above usual ends here).
    if (term === 0) break;
    sum += term;
    if (term < sum * 1e-12) break;
    logTerm += Math.log(lambda / (i + 1));
  }
  return Math.min(1, sum);
}

/**
 * P(X ≥ k) when the usual rate is itself only estimated: from `shape` events seen over the baseline,
 * the count expected in the window is `mean`. That is the negative binomial predictive (a Poisson
 * whose rate is Gamma(shape) uncertain): a baseline of a few hours asks for more than a month of
 * history does, and with a long history it is the Poisson tail above.
 */
export function predictiveUpperTail(k: number, mean: number, shape: number): number {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  if (!(shape > 0) || shape > 1e6) return poissonUpperTail(k, mean);
  const q = shape / (shape + mean);
  const logStep = Math.log(1 - q);
  const logAt = (x: number) =>
    lnGamma(x + shape) - lnGamma(shape) - lnGamma(x + 1) + shape * Math.log(q) + x * logStep;
  if (k <= mean) {
    let lower = 0;
    let logTerm = logAt(0);
    for (let x = 0; x < k; x++) {
      lower += Math.exp(logTerm);
      logTerm += Math.log((x + shape) / (x + 1)) + logStep;
    }
    return Math.min(1, Math.max(0, 1 - lower));
  }
  let sum = 0;
  let logTerm = logAt(k);
  for (let x = k; x < k + 100_000; x++) {
    const term = Math.exp(logTerm);
    // As above: the terms only shrink from here, so a zero means the sum is final.
    if (term === 0) break;
    sum += term;
    if (term < sum * 1e-12) break;
    logTerm += Math.log((x + shape) / (x + 1)) + logStep;
  }
  return Math.min(1, sum);
}
