// Weights of the sentiment model (src/analysis/sentiment.ts): one row per class (negative, neutral,
// positive), one column per feature in FEATURES order (bias, vader+, vader-, afinn+, afinn-, pattern+, pattern-, senticon+, senticon-, emoji+, emoji-, phrase+, phrase-, compound, exclaim, question, length, hit share, negators, subjectivity, contrast, first person, second person, caps, link or mention, unknown share, |compound|, no evidence, mixed, evidence).
// Written by `tsx bench/fit-sentiment.ts --write`: fitted on half a of the development sets only
// (rows split by a hash of their id), L2 0.00001, 1500 steps, two-class sets weighing 0.2; half b is held out for reporting.
export const WEIGHTS: number[][] = [
  [
    1.9063, -0.8923, 0.8735, -0.7009, 0.7953, -0.5846, 0.3852, -0.6181, 0.0337, -2.9095, 3.0004, 0.3133,
    1.5184, -0.1615, -0.4079, 0.1635, 0.2769, -1.6421, 0.82, 0.0609, -0.2237, 0.0444, 0.0249, -0.1203,
    -0.2281, -2.2786, -0.4683, 0.0082, -0.2245, 1.9552,
  ],
  [
    -1.0499, 0.2098, -0.5518, -0.182, -0.0942, -0.0385, 0.0943, 0.1001, 0.2074, 0.0486, -1.8688, -2.3299,
    0.044, 0.0007, -1.003, 0.6116, 1.2726, 1.7347, 0.0796, -0.0853, 0.2675, -0.2043, -0.1693, -0.1439, 0.4176,
    0.9777, -0.1359, 0.3037, 0.1173, -1.7474,
  ],
  [
    0.3821, 0.6692, -0.6961, 0.7039, -0.9044, 0.5253, -0.5115, 0.4617, -0.2134, 2.8401, -1.1315, 2.0165,
    -1.5622, 0.1703, 1.3737, -0.7493, -1.5968, -0.3972, -0.8883, 0.0725, -0.0939, 0.1658, 0.145, 0.2642,
    -0.2292, 0.3038, 0.4378, -0.338, 0.1268, 0.4624,
  ],
];
