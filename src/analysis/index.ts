import type { Analysis } from '../types.ts';
import { detectIntents } from './intents.ts';
import { detectLanguage, SENTIMENT_LANGS } from './language.ts';
import { scoreSentiment } from './sentiment.ts';

export interface FullAnalysis extends Analysis {
  /** False when the text's language is outside what the sentiment model covers: neutral, not guessed. */
  sentimentCovered: boolean;
  reasons: string[];
}

/**
 * Everything the pipeline knows about one text. A text whose language cannot be told (`und`) is
 * still scored: short English posts often carry too few words to tell.
 */
export function analyze(input: { text: string; lang?: string }): FullAnalysis {
  const lang = detectLanguage(input.text, input.lang);
  if (lang !== 'und' && !SENTIMENT_LANGS.has(lang)) {
    return {
      sentiment: { label: 'neutral', score: 0 },
      intents: [],
      lang,
      sentimentCovered: false,
      reasons: [],
    };
  }
  const s = scoreSentiment(input.text);
  const sentiment = { label: s.label, score: s.score };
  return {
    sentiment,
    intents: detectIntents(input.text, sentiment),
    lang,
    sentimentCovered: true,
    reasons: s.reasons,
  };
}
