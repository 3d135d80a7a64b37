/** The languages the assistant reads and writes. */
export const LANGUAGES = ['en', 'de', 'es', 'fr', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

export const isLanguage = (value: string): value is Language => (LANGUAGES as readonly string[]).includes(value);

/** A field's value as typed, folded for lookup: accents dropped, trimmed, lower case. */
export const foldName = (value: string) => value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().toLowerCase();

/** A language field's value, in the ways Zoho users fill it in: a code, or the name in English or in the language. */
const LANGUAGE_NAMES: Record<string, Language> = {
  en: 'en', eng: 'en', english: 'en', englisch: 'en', ingles: 'en', anglais: 'en',
  de: 'de', deu: 'de', ger: 'de', german: 'de', deutsch: 'de', aleman: 'de', allemand: 'de', alemao: 'de',
  es: 'es', spa: 'es', spanish: 'es', espanol: 'es', castellano: 'es', spanisch: 'es', espagnol: 'es', espanhol: 'es',
  fr: 'fr', fra: 'fr', fre: 'fr', french: 'fr', francais: 'fr', franzosisch: 'fr', frances: 'fr',
  pt: 'pt', por: 'pt', portuguese: 'pt', portugues: 'pt', portugiesisch: 'pt', portugais: 'pt',
};

/**
 * Countries whose business language is one of ours, by ISO code and by name (English and local).
 * Countries of several languages (Switzerland, Belgium, Canada) are left out: the language field
 * or the assistant's default decides there.
 */
const COUNTRY_LANGUAGES: Record<string, Language> = {
  de: 'de', at: 'de', li: 'de', germany: 'de', deutschland: 'de', austria: 'de', osterreich: 'de', liechtenstein: 'de',
  es: 'es', mx: 'es', ar: 'es', co: 'es', cl: 'es', pe: 'es', ve: 'es', ec: 'es', gt: 'es', cu: 'es', bo: 'es', do: 'es', hn: 'es', py: 'es', sv: 'es', ni: 'es', cr: 'es', pa: 'es', uy: 'es',
  spain: 'es', espana: 'es', mexico: 'es', argentina: 'es', colombia: 'es', chile: 'es', peru: 'es', venezuela: 'es', ecuador: 'es', guatemala: 'es', bolivia: 'es', uruguay: 'es', paraguay: 'es', 'costa rica': 'es', panama: 'es',
  fr: 'fr', mc: 'fr', france: 'fr', monaco: 'fr',
  pt: 'pt', br: 'pt', ao: 'pt', mz: 'pt', portugal: 'pt', brazil: 'pt', brasil: 'pt', angola: 'pt', mozambique: 'pt', mocambique: 'pt',
  us: 'en', gb: 'en', uk: 'en', ie: 'en', au: 'en', nz: 'en', 'united states': 'en', usa: 'en', 'united kingdom': 'en', england: 'en', ireland: 'en', australia: 'en', 'new zealand': 'en',
};

/** The language to write to a lead in: Zoho's language field first, then the country; null when neither tells. */
export function languageOfRecord(fields: { language?: string | null; country?: string | null }): Language | null {
  const spoken = fields.language ? LANGUAGE_NAMES[foldName(fields.language)] ?? LANGUAGE_NAMES[foldName(fields.language).slice(0, 2)] : undefined;
  if (spoken) return spoken;
  return fields.country ? (COUNTRY_LANGUAGES[foldName(fields.country)] ?? null) : null;
}
