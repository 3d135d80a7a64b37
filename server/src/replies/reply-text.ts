/**
 * What the person actually wrote: the reply above the quoted history, without the signature.
 * Quoted history carries our own email (its footer says "unsubscribe", its body "a short call"),
 * so reading it would misread almost every reply.
 */

/** Lines that open the quoted original, in the mail clients and languages we meet. */
const QUOTE_OPENERS: RegExp[] = [
  // Gmail and Apple Mail: "On Tue, Nov 17, 2026 at 9:02 AM Nova <…> wrote:" (also wrapped over two lines).
  /^(on|el|le|am|em|il|op)\s.{4,200}(wrote|escribió|escribio|a écrit|a ecrit|schrieb|escreveu|ha scritto|schreef)\s?:?\s*$/i,
  /^.{0,200}\s(wrote|escribió|a écrit|schrieb|escreveu):\s*$/i,
  /^.{0,120}<[^>\s]+@[^>\s]+>.{0,10}\b(wrote|escreveu|escribió|a écrit|schrieb)\b.{0,60}:\s*$/i,
  /^-{2,}\s*(original message|forwarded message|mensaje original|message d'origine|ursprüngliche nachricht|mensagem original|messaggio originale)\s*-{2,}/i,
  /^-{2,}\s*(on|el|le|am|em)\s.{4,200}(wrote|escribió|a écrit|schrieb|escreveu)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^-{5,}\s*$/,
];

/** Outlook's header block ("From: … / Sent: …") in several languages. */
const HEADER_FIELD = /^\*?(from|de|von|da|van|expéditeur|remitente|absender)\s?\*?:\s?\S/i;
const HEADER_NEXT = /^\*?(sent|date|enviado|envoyé|gesendet|datum|data|inviato|to|para|à|an|subject|asunto|objet|betreff|assunto)\s?\*?:/i;

const SIGNATURE_OPENERS: RegExp[] = [
  /^--\s*$/,
  /^(sent from my|enviado desde mi|envoyé de mon|von meinem|enviado do meu|get outlook for)\b/i,
  // Legal disclaimers carry words like "delete", "notify" and "please contact the sender".
  /^(confidentiality notice|confidential(ity)?:|disclaimer|aviso legal|aviso de confidencialidad|avis de confidentialit|ce message (et|electronique)|this (e-?mail|message) (and any|is intended|may contain|contains)|diese e-?mail (enthält|ist)|vertraulichkeitshinweis|esta mensagem|este mensaje (y|es|puede)|the information (contained|in this))/i,
];

function isQuoteOpener(lines: string[], index: number): boolean {
  // Openers are short lines: only a bounded prefix is ever tested.
  const line = lines[index]!.slice(0, 400).trim();
  if (QUOTE_OPENERS.some((pattern) => pattern.test(line))) return true;
  // "On Tue, Nov 17, 2026 at 9:02 AM Nova <nova@…>" + "wrote:" on the next line.
  if (/^(on|el|le|am|em)\s.{4,200}$/i.test(line) && /^.{0,80}(wrote|escribió|a écrit|schrieb|escreveu)\s?:\s*$/i.test(lines[index + 1]?.slice(0, 400).trim() ?? '')) return true;
  if (HEADER_FIELD.test(line)) {
    const following = lines.slice(index + 1, index + 4).map((candidate) => candidate.slice(0, 400).trim());
    return following.some((candidate) => HEADER_NEXT.test(candidate));
  }
  return false;
}

/** The reply above the quoted history, with `>` lines and the signature removed. */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (isQuoteOpener(lines, index)) break;
    if (/^\s*>/.test(line)) continue;
    if (SIGNATURE_OPENERS.some((pattern) => pattern.test(line.slice(0, 400).trim()))) break;
    kept.push(line);
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** What a person reads of a message: the reply (or, when it is all quote, the start of the text). */
export function readableReply(text: string, max = 2_000): string {
  return (replyText(text) || text.trim().slice(0, max)).slice(0, max);
}

/** Lower case, accents folded, quotes and spaces normalised: what the phrase rules read. */
export function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/º/g, 'o')
    .replace(/ª/g, 'a')
    .replace(/[\u2018\u2019\u201b\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb]/g, '"')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .toLowerCase()
    .replace(/[ \t]+/g, ' ');
}

export type Language = 'en' | 'es' | 'fr' | 'de' | 'pt';

const STOPWORDS: Record<Language, string[]> = {
  en: ['the', 'and', 'you', 'for', 'thanks', 'please', 'not', 'with', 'this', 'will', 'have', 'back', 'office', 'our'],
  es: ['el', 'los', 'las', 'por', 'gracias', 'con', 'para', 'estoy', 'hasta', 'que', 'una', 'usted', 'nos', 'pero'],
  fr: ['le', 'les', 'des', 'vous', 'merci', 'pour', 'avec', 'je', 'suis', 'pas', 'une', 'nous', 'est', 'mais'],
  de: ['der', 'die', 'das', 'und', 'sie', 'nicht', 'ich', 'mit', 'bin', 'vielen', 'dank', 'ist', 'wir', 'bis'],
  pt: ['os', 'obrigado', 'obrigada', 'voce', 'com', 'para', 'estou', 'nao', 'uma', 'ate', 'nos', 'mas', 'sou', 'em'],
};

/** A rough guess from common words; English when nothing else stands out. */
export function guessLanguage(normalised: string): Language {
  const words = normalised.split(/[^a-z]+/).filter(Boolean);
  let best: Language = 'en';
  let bestScore = 0;
  for (const [language, stopwords] of Object.entries(STOPWORDS) as [Language, string[]][]) {
    const set = new Set(stopwords);
    const score = words.filter((word) => set.has(word)).length;
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}
