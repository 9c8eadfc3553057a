import { existsSync, readFileSync } from 'node:fs';

/**
 * Learned words of the sentiment model: for each word, how much it pulls toward each class
 * (negative, neutral, positive). The lexicons say what a word means in general; these weights say
 * what it signals in posts and reviews ("refund", "update", "waiting", a news word that marks a
 * neutral report). Fitted by bench/fit-sentiment.ts with the other weights, on half a of the
 * development sets, and only for words that occur in at least two of the sets, so that a word
 * particular to one set's topic is not learned as sentiment.
 */
export interface WordWeights {
  index: Map<string, number>;
  words: readonly string[];
  /** 3 per word, in index order. */
  weights: Float64Array;
}

interface WordFile {
  words: string[];
  weights: number[];
}

export const WORDS_FILE = new URL('./sentiment-words.json', import.meta.url);

export function wordTable(words: readonly string[], weights: ArrayLike<number>): WordWeights {
  return { index: new Map(words.map((w, i) => [w, i])), words, weights: Float64Array.from(weights) };
}

export function loadWords(): WordWeights {
  if (!existsSync(WORDS_FILE)) return wordTable([], []);
  const file = JSON.parse(readFileSync(WORDS_FILE, 'utf8')) as WordFile;
  return wordTable(file.words, file.weights);
}
