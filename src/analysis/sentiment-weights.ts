// Weights of the sentiment model (src/analysis/sentiment.ts): one row per class (negative, neutral,
// positive) over [features in FEATURES order, then the HIDDEN tanh units]; HIDDEN: one row per unit over
// the features. FEATURES: bias, vader+, vader-, afinn+, afinn-, pattern+, pattern-, senticon+, senticon-, emoji+, emoji-, phrase+, phrase-, compound, exclaim, question, length, hit share, negators, subjectivity, contrast, first person, second person, caps, link or mention, unknown share, |compound|, no evidence, mixed, evidence, strongest +, strongest -, negated +, negated -, irrealis, capitalized share, number share, hedges, reported speech, quotes, strong +, strong -, weak only.
// Written by `tsx bench/fit-sentiment.ts --write`: fitted on half a of the development sets only
// (rows split by a hash of their id), 0 hidden units, L2 0.00001, 2000 steps, 1 rounds, two-class sets weighing 0.2; half b is held out for reporting.
export const HIDDEN: number[][] = [];
export const WEIGHTS: number[][] = [
  [
    1.4875, -0.7126, 0.6642, -0.8253, 0.5599, -0.6309, 0.254, -0.7885, -0.1315, -3.3115, 3.3654, -0.0229,
    1.9766, -0.0303, -0.4542, 0.2248, -0.1047, -1.561, 1.1106, 0.0428, -0.1916, -0.0826, -0.0982, 0.0646,
    -0.1617, -1.8001, -0.4341, 0.0118, -0.1138, 3.1818, -1.1955, 0.2777, -0.6137, -0.8613, 0.0297, -1.0944,
    -1.7083, 0.1984, 0.0996, 0.1734, 0.634, 0.142, 0.1455,
  ],
  [
    -0.8066, 0.2088, -0.578, -0.0529, 0.1098, 0.0399, 0.1939, 0.4117, 0.4236, 0.2515, -1.5164, -2.0874, 0.309,
    -0.0971, -1.0941, 0.6211, 1.0954, 1.5776, -0.1667, -0.0634, 0.3151, -0.0957, -0.0902, -0.3063, 0.3291,
    0.7717, -0.2663, 0.1236, 0.0061, -2.5484, 0.2612, 0.1763, 0.255, 0.8947, 0.2158, 0.9229, 2.245, -0.1245,
    -0.0041, -0.002, 0.081, -0.2669, -0.1498,
  ],
  [
    -0.0624, 0.5543, -0.5311, 0.7155, -0.7734, 0.5101, -0.4284, 0.4471, -0.1518, 2.8284, -1.8773, 2.1097,
    -2.3268, 0.0515, 1.3457, -0.7496, -1.2293, -0.299, -1.0521, 0.053, -0.1805, 0.181, 0.1888, 0.2417,
    -0.2292, 0.341, 0.4589, -0.1529, 0.0996, 0.4716, 0.978, -0.4334, 0.4076, -0.0354, -0.2432, 0.1698,
    -0.5866, -0.047, -0.0952, -0.167, -0.6285, -0.0116, 0.0664,
  ],
];
