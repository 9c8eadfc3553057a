// Weights of the sentiment model (src/analysis/sentiment.ts): one row per class (negative, neutral,
// positive) over [features in FEATURES order, then the HIDDEN tanh units]; HIDDEN: one row per unit over
// the features. FEATURES: bias, vader+, vader-, afinn+, afinn-, pattern+, pattern-, senticon+, senticon-, emoji+, emoji-, phrase+, phrase-, compound, exclaim, question, length, hit share, negators, subjectivity, contrast, first person, second person, caps, link or mention, unknown share, |compound|, no evidence, mixed, evidence, strongest +, strongest -, negated +, negated -.
// Written by `tsx bench/fit-sentiment.ts --write`: fitted on half a of the development sets only
// (rows split by a hash of their id), 0 hidden units, L2 0.00001, 2000 steps, two-class sets weighing 0.2; half b is held out for reporting.
export const HIDDEN: number[][] = [];
export const WEIGHTS: number[][] = [
  [
    1.9208, -0.6183, 0.6797, -0.6998, 0.6493, -0.4989, 0.3166, -0.6851, 0.0021, -3.3899, 3.4368, 0.0056,
    1.5082, 0.071, -0.4975, 0.1769, 0.022, -1.7151, 1.1899, 0.0531, -0.2102, 0.065, 0.0344, -0.0549, -0.2681,
    -2.2532, -0.3973, -0.0853, -0.1239, 2.4482, -1.0486, 0.3628, -0.3769, -0.8822,
  ],
  [
    -1.1267, 0.0753, -0.6875, -0.2021, -0.0683, -0.1055, 0.061, 0.1502, 0.1926, 0.1032, -1.6137, -2.219,
    0.1106, -0.0409, -1.0555, 0.6369, 1.2325, 1.667, -0.4341, -0.0773, 0.2692, -0.2029, -0.1796, -0.1438,
    0.4207, 0.9569, -0.1275, 0.2945, 0.0621, -1.892, 0.3727, 0.2103, 0.4977, 0.7752,
  ],
  [
    0.1383, 0.5159, -0.4973, 0.6619, -0.7973, 0.4612, -0.4167, 0.5578, -0.1345, 3.0316, -1.8505, 2.2132,
    -1.6213, -0.0739, 1.3427, -0.7342, -1.3912, -0.2529, -0.9522, 0.0635, -0.117, 0.1437, 0.1463, 0.1987,
    -0.2323, 0.2611, 0.3249, -0.2771, 0.0811, 0.2773, 0.7926, -0.5554, 0.0049, 0.107,
  ],
];
