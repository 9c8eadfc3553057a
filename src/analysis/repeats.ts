import type { Analysis } from '../types.ts';
import type { AdaptedModel } from './adapt.ts';
import { analyze } from './index.ts';

/**
 * Analyses of the texts met again: copies, retweets and campaigns repeat a text word for word
 * (half the new mentions of a simulated stream do), and its analysis depends on the text, the
 * language given and the model alone. The newest `size` texts are kept, and those met again
 * before twice that many new ones. Entries are frozen: mentions share them.
 */
export class RepeatedTexts {
  private current = new Map<string, Map<string, Analysis>>();
  private previous = new Map<string, Map<string, Analysis>>();
  private count = 0;

  constructor(
    private readonly model?: AdaptedModel,
    private readonly size = 20_000,
  ) {}

  of(text: string, lang?: string): Analysis {
    const key = lang ?? '';
    const known = this.current.get(key)?.get(text);
    if (known) return known;
    const kept = this.previous.get(key)?.get(text);
    const a = kept ?? frozen(analyze(lang ? { text, lang } : { text }, this.model));
    if (this.count >= this.size) {
      this.previous = this.current;
      this.current = new Map();
      this.count = 0;
    }
    let texts = this.current.get(key);
    if (!texts) this.current.set(key, (texts = new Map<string, Analysis>()));
    texts.set(text, a);
    this.count++;
    return a;
  }
}

function frozen(a: Analysis): Analysis {
  return Object.freeze({
    sentiment: Object.freeze({ ...a.sentiment }),
    intents: Object.freeze(a.intents.map((i) => Object.freeze({ ...i }))) as Analysis['intents'],
    lang: a.lang,
  });
}
