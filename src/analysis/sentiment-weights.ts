// Weights of the sentiment model (src/analysis/sentiment.ts): one row per class (negative, neutral,
// positive) over [features in FEATURES order, then the HIDDEN tanh units]; HIDDEN: one row per unit over
// the features. FEATURES: bias, vader+, vader-, afinn+, afinn-, pattern+, pattern-, senticon+, senticon-, emoji+, emoji-, phrase+, phrase-, compound, exclaim, question, length, hit share, negators, subjectivity, contrast, first person, second person, caps, link or mention, unknown share, |compound|, no evidence, mixed, evidence, strongest +, strongest -, negated +, negated -, irrealis, capitalized share, number share, hedges, reported speech, quotes, strong +, strong -, weak only.
// Written by `tsx bench/fit-sentiment.ts --write`: fitted on half a of the development sets only
// (rows split by a hash of their id), 0 hidden units, L2 0.00001, 1000 steps, 1 rounds, two-class sets weighing 0.2; half b is held out for reporting.
export const HIDDEN: number[][] = [];
export const WEIGHTS: number[][] = [
  [
    1.4837, -0.7395, 0.6634, -0.8404, 0.5551, -0.6526, 0.2928, -0.7965, -0.0556, -3.351, 3.106, -0.0349,
    1.9376, 0.0223, -0.529, 0.2486, -0.0907, -1.7264, 1.0464, 0.055, -0.2337, -0.0574, -0.0901, 0.0011,
    -0.1888, -1.8438, -0.5152, 0.0285, -0.119, 3.534, -1.1793, 0.2652, -0.5838, -0.8953, 0.047, -1.1078,
    -1.96, 0.2008, 0.0799, 0.1777, 0.6109, 0.1776, 0.1554,
  ],
  [
    -0.7543, 0.2464, -0.5871, -0.0698, 0.1012, 0.0474, 0.2009, 0.4697, 0.478, -0.0196, -1.7489, -2.0697,
    0.2689, -0.103, -1.208, 0.6264, 1.0787, 1.3817, -0.1944, -0.0562, 0.2691, -0.1325, -0.066, -0.288, 0.2916,
    0.7264, -0.2947, 0.1059, 0.0158, -2.3752, 0.2273, 0.1716, 0.2748, 0.8611, 0.1781, 0.9228, 2.0914, -0.1239,
    0.0053, 0.0065, 0.1137, -0.2717, -0.1459,
  ],
  [
    0.0005, 0.5723, -0.6244, 0.7041, -0.7889, 0.5033, -0.4718, 0.4486, -0.1746, 2.5182, -2.045, 2.0696,
    -2.4045, -0.0131, 1.2401, -0.7043, -1.3871, -0.4022, -1.048, 0.0501, -0.182, 0.2234, 0.1644, 0.3047,
    -0.2441, 0.2523, 0.4537, -0.162, 0.0942, 0.7074, 0.9739, -0.4134, 0.4918, -0.0451, -0.2127, 0.2425,
    -0.5876, -0.0265, -0.08, -0.1526, -0.5958, -0.111, 0.0839,
  ],
];
