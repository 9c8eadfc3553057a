// Weights of the sentiment model (src/analysis/sentiment.ts): one row per class (negative, neutral,
// positive) over [features in FEATURES order, then the HIDDEN tanh units]; HIDDEN: one row per unit over
// the features. FEATURES: bias, vader+, vader-, afinn+, afinn-, pattern+, pattern-, senticon+, senticon-, emoji+, emoji-, phrase+, phrase-, compound, exclaim, question, length, hit share, negators, subjectivity, contrast, first person, second person, caps, link or mention, unknown share, |compound|, no evidence, mixed, evidence, strongest +, strongest -, negated +, negated -, irrealis, capitalized share, number share.
// Written by `tsx bench/fit-sentiment.ts --write`: fitted on half a of the development sets only
// (rows split by a hash of their id), 0 hidden units, L2 0.00001, 2000 steps, 1 rounds, two-class sets weighing 0.2; half b is held out for reporting.
export const HIDDEN: number[][] = [];
export const WEIGHTS: number[][] = [
  [
    1.63, -0.6889, 0.6562, -0.7185, 0.6201, -0.5243, 0.2929, -0.7524, -0.0529, -3.3466, 3.4212, -0.0106,
    2.1205, 0.0648, -0.4101, 0.2325, 0.258, -1.5533, 1.1416, 0.0269, -0.2421, -0.0467, -0.0955, 0.0398,
    -0.1448, -1.9615, -0.3734, -0.1311, -0.0917, 2.5679, -1.0162, 0.3751, -0.3832, -0.8376, 0.1343, -1.0536,
    -1.7613,
  ],
  [
    -0.9578, 0.1537, -0.6447, -0.1911, -0.0306, -0.06, 0.0896, 0.2564, 0.2781, 0.0888, -1.5707, -2.1767,
    0.2402, -0.0359, -1.1336, 0.6187, 1.0046, 1.5488, -0.3488, -0.0553, 0.2962, -0.1192, -0.0993, -0.2853,
    0.3226, 0.77, -0.1551, 0.3237, 0.0305, -1.9767, 0.327, 0.1858, 0.4746, 0.7349, 0.1603, 0.9282, 2.2608,
  ],
  [
    0.085, 0.547, -0.4911, 0.6716, -0.7832, 0.4606, -0.4089, 0.5382, -0.1334, 3.007, -1.8775, 2.1873, -2.4105,
    -0.0681, 1.3556, -0.7463, -1.2969, -0.2774, -0.9563, 0.0553, -0.1146, 0.1685, 0.1951, 0.2455, -0.2389,
    0.3332, 0.3281, -0.274, 0.0704, 0.2779, 0.7782, -0.5612, 0.0254, 0.1028, -0.2862, 0.0941, -0.5577,
  ],
];
