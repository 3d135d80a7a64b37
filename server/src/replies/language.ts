import { franc } from 'franc-min';

import { LANGUAGES, type Language } from '../domain/languages.js';

export { LANGUAGES, type Language };

const ISO3: Record<string, Language> = { eng: 'en', deu: 'de', spa: 'es', fra: 'fr', por: 'pt' };

/** Short replies ("Thursday 3pm?") carry too few trigrams for franc; a few common words settle them. */
const STOPWORDS: Record<Language, string[]> = {
  en: ['the', 'and', 'you', 'for', 'thanks', 'please', 'not', 'with', 'this', 'will', 'have', 'back', 'office', 'our', 'me', 'is', 'it', 'we'],
  es: ['el', 'los', 'las', 'por', 'gracias', 'con', 'para', 'estoy', 'hasta', 'que', 'una', 'usted', 'nos', 'pero', 'no', 'es', 'me'],
  fr: ['le', 'les', 'des', 'vous', 'merci', 'pour', 'avec', 'je', 'suis', 'pas', 'une', 'nous', 'est', 'mais', 'ne', 'moi'],
  de: ['der', 'die', 'das', 'und', 'sie', 'nicht', 'ich', 'mit', 'bin', 'vielen', 'dank', 'ist', 'wir', 'bis', 'bitte', 'mich'],
  pt: ['os', 'obrigado', 'obrigada', 'voce', 'com', 'para', 'estou', 'nao', 'uma', 'ate', 'nos', 'mas', 'sou', 'em', 'me', 'o', 'isso', 'minha', 'sua', 'seu', 'ao', 'do', 'da'],
};

function byStopwords(normalised: string, atLeast = 1): Language | null {
  const words = normalised.split(/[^a-z]+/).filter(Boolean);
  let best: Language | null = null;
  let bestScore = 0;
  for (const language of LANGUAGES) {
    const set = new Set(STOPWORDS[language]);
    const score = words.filter((word) => set.has(word)).length;
    if (score > bestScore && score >= atLeast) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The language of what the sender wrote: franc (trigram profiles) among our five languages, for
 * text long enough to judge; a count of common words for short text; English when nothing stands out.
 * `text` is the sender's own words as written (accents kept: they are what tells pt from es).
 */
export function detectLanguage(text: string, normalised: string): Language {
  const sample = text.slice(0, 600);
  // Short text: franc's trigrams guess wildly ("Could we meet next Tuesday?" as Portuguese); common words are surer.
  const counted = byStopwords(normalised, 2);
  if (counted && sample.length < 300) return counted;
  if (sample.replace(/\s+/g, '').length >= 20) {
    const code = franc(sample, { only: Object.keys(ISO3), minLength: 10 });
    const found = ISO3[code];
    if (found) return found;
  }
  return byStopwords(normalised) ?? 'en';
}
