import EmailReplyParser from 'email-reply-parser';

/**
 * What the person actually wrote. Our own email comes back in almost every reply, above or below
 * the person's words or between them, and it says "unsubscribe" and "a short call": reading it
 * would misread almost every reply. So, in this order:
 *  1. lines that are our own text are dropped wherever they are, quoted with `>` or not: we know
 *     exactly what we sent (the outbox copies of the thread), and our footer is recognisable even
 *     when we do not;
 *  2. quote headers ("On … wrote:", Outlook's From:/Sent: block, in five languages) open a quoted
 *     block, which ends where our quoted email ends (its footer), so a bottom-posted or
 *     interleaved answer below it is kept;
 *  3. email-reply-parser then hides what is left of quotes and signatures ("Sent from my iPhone",
 *     "-- ") in the kept text; legal disclaimers are cut by our own openers.
 */

/** Lines that open the quoted original, in the mail clients and languages we meet. */
const QUOTE_OPENERS: RegExp[] = [
  // Gmail and Apple Mail: "On Tue, Nov 17, 2026 at 9:02 AM Nova <…> wrote:" (also wrapped over two lines).
  /^(on|el|le|am|em|il|op)\s.{4,200}(wrote|escribió|escribio|a écrit|a ecrit|schrieb|escreveu|ha scritto|schreef)\s?:?\s*$/i,
  /^.{0,200}\s(wrote|escribió|a écrit|schrieb|escreveu):\s*$/i,
  // "Am 05.11.2026 um 10:02 schrieb Nova:", "Le 5 nov. 2026, Nova a écrit :": the name after the verb or before it.
  /^(am|le|el|em|on)\s.{4,200}\s(schrieb|a écrit|a ecrit|escribió|escribio|escreveu|wrote)\s.{1,120}:\s*$/i,
  /^.{0,120}<[^>\s]+@[^>\s]+>.{0,10}\b(wrote|escreveu|escribió|a écrit|schrieb)\b.{0,60}:\s*$/i,
  /^-{2,}\s*(original message|forwarded message|mensaje original|mensaje reenviado|message d'origine|message transféré|ursprüngliche nachricht|weitergeleitete nachricht|mensagem original|mensagem encaminhada|messaggio originale)\s*-{2,}/i,
  /^(begin forwarded message|inicio del mensaje reenviado|début du message réexpédié|anfang der weitergeleiteten nachricht|início da mensagem encaminhada)\s*:/i,
  /^-{2,}\s*(on|el|le|am|em)\s.{4,200}(wrote|escribió|a écrit|schrieb|escreveu)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^-{5,}\s*$/,
];

/** Outlook's header block ("From: … / Sent: …") in several languages. */
const HEADER_FIELD = /^\*?(from|de|von|da|van|expéditeur|remitente|absender)\s?\*?\s?:\s?\S/i;
const HEADER_NEXT = /^\*?(sent|date|enviado|enviada|envoyé|gesendet|datum|data|inviato|to|para|à|a|an|cc|subject|asunto|objet|betreff|assunto|fecha)( el| em| le)?\s?\*?\s?:/i;

const SIGNATURE_OPENERS: RegExp[] = [
  /^--\s*$/,
  /^(sent from my|sent from outlook|enviado desde mi|envoyé de mon|envoyé depuis|von meinem|gesendet von|enviado do meu|enviado de meu|get outlook for|obtenir outlook)\b/i,
  // Legal disclaimers carry words like "delete", "notify" and "please contact the sender".
  /^(confidentiality notice|confidential(ity)?:|disclaimer|aviso legal|aviso de confidencialidad|avis de confidentialit|ce message (et|electronique|électronique)|this (e-?mail|message) (and any|is intended|may contain|contains|is confidential)|diese e-?mail (enthält|ist|kann)|vertraulichkeitshinweis|esta mensagem|este mensaje (y|es|puede|contiene)|este correo|the information (contained|in this)|le présent message|ce courriel|la información contenida|as informações contidas|esta comunicação)/i,
];

/** Our compliance footer (composer.ts frameEmail): the end of our email, even when we do not have its copy. */
const OUR_FOOTER = /^(to stop these emails, unsubscribe\b|(unsubscribe|para dejar de recibir|pour ne plus recevoir|um keine e-mails|para deixar de receber)\b.{0,40}https?:\/\/\S+(\/|%2f)unsubscribe(\/|%2f))/i;

const QUOTE_MARK = /^(\s*>)+\s?/;

/** Words legal disclaimers are made of, in five languages: a paragraph with three of them is one. */
const DISCLAIMER_WORDS = /\b(confidential|confidentiality|privileged|intended (solely |only )?for|intended recipient|not the intended|notify the sender|delete (this|it|the)|disclos|unauthori[sz]ed|liability|virus|vertraulich|empfanger|irrtumlich|unbefugt|weitergabe|confidenti|destinataire|divulg|supprimer ce|confidencial|destinatario|prohibid|eliminar este|destinatário|proibid|apague|elimine|sigilo)/g;

function isDisclaimer(paragraph: string): boolean {
  const words = paragraph
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .match(DISCLAIMER_WORDS);
  return (words ? new Set(words).size : 0) >= 3;
}
const MAX_LINE = 400;

function compact(line: string): string {
  return line.replace(QUOTE_MARK, '').replace(/[*_]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Our own text, line by line and as one string, for matching re-wrapped quotes. */
export interface OwnText {
  lines: Set<string>;
  joined: string;
  /** The last line of each of our emails: where a quote of it ends. */
  last: Set<string>;
}

export function ownTextOf(emails: readonly string[]): OwnText {
  const lines = new Set<string>();
  const last = new Set<string>();
  const parts: string[] = [];
  for (const email of emails) {
    let final = '';
    for (const raw of email.replace(/\r\n?/g, '\n').split('\n')) {
      const line = compact(raw);
      if (line) {
        lines.add(line);
        parts.push(line);
        final = line;
      }
    }
    if (final) last.add(final);
  }
  return { lines, joined: ` ${parts.join(' ')} `, last };
}

/** Our unsubscribe link on a line of its own, however a client renders or rewrites it ("[https://…]", Safe Links' "?url=https%3A%2F%2F…%2Funsubscribe%2F…"). */
const OUR_LINK_LINE = /^\W{0,3}https?:\/\/\S{1,2000}(\/|%2f)unsubscribe(\/|%2f)\S{0,2000}$/i;

function isOurs(line: string, own: OwnText | null, afterOurs = false): boolean {
  const text = compact(line);
  if (!text) return false;
  if (OUR_LINK_LINE.test(text)) return true;
  if (!own) return false;
  if (own.lines.has(text)) return true;
  // A re-wrapped fragment of one of our lines: long enough not to be a coincidence, or the tail
  // of a line of ours that a client wrapped ("… see results" / "within weeks.").
  return (text.length >= 24 || (afterOurs && text.length >= 3)) && own.joined.includes(text);
}

function isQuoteOpener(lines: string[], index: number): number {
  const plain = lines[index]!.slice(0, MAX_LINE).replace(QUOTE_MARK, '').trim();
  if (QUOTE_OPENERS.some((pattern) => pattern.test(plain))) return 1;
  // "On Tue, Nov 17, 2026 at 9:02 AM Nova <nova@…>" + "wrote:" on the next line.
  const next = lines[index + 1]?.slice(0, MAX_LINE).replace(QUOTE_MARK, '').trim() ?? '';
  if (/^(on|el|le|am|em)\s.{4,200}$/i.test(plain) && /^.{0,80}(wrote|escribió|a écrit|schrieb|escreveu)\s?:\s*$/i.test(next)) return 2;
  if (HEADER_FIELD.test(plain)) {
    let end = index + 1;
    while (end < lines.length && end < index + 8 && (HEADER_NEXT.test(lines[end]!.replace(QUOTE_MARK, '').trim()) || /^\s+\S/.test(lines[end]!))) end += 1;
    if (end > index + 1) return end - index;
  }
  return 0;
}

const parser = new EmailReplyParser();

/**
 * The sender's own words. `ours` is what we sent in this thread (the outbox copies), when known.
 */
export function replyText(text: string, ours: OwnText | null = null): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  let state: 'reply' | 'quote' | 'signature' = 'reply';
  // In a quoted block, whether our own email (its footer, or a line we know) has been seen and ended.
  let quoteEnded = false;
  let afterFooter = 0;
  let previousOurs = false;
  // Whether this quote block quotes with "> ": then an unquoted line inside it is an interleaved answer.
  let markedQuote = false;
  // Whether this quote block has shown a line of ours: then it quotes our email.
  let quotesOurs = false;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const plain = line.slice(0, MAX_LINE).replace(QUOTE_MARK, '').trim();
    const opener = isQuoteOpener(lines, index);
    if (opener > 0) {
      state = 'quote';
      quoteEnded = false;
      markedQuote = false;
      quotesOurs = false;
      index += opener - 1;
      continue;
    }
    if (OUR_FOOTER.test(plain)) {
      // Our footer: the line and the postal address under it are ours; what follows is not our email.
      afterFooter = 2;
      quoteEnded = true;
      continue;
    }
    // The link may follow the footer's words on a line of its own (HTML mail rendered as text).
    if (afterFooter > 0 && OUR_LINK_LINE.test(compact(line))) continue;
    if (afterFooter > 0) {
      afterFooter -= 1;
      // The postal address right under the footer: a line, not a sentence.
      if (plain && afterFooter === 1 && plain.length < 120 && !/[?!]|\.(\s|$)/.test(plain)) continue;
    }
    const quoted = QUOTE_MARK.test(line);
    const mine = isOurs(line, ours, previousOurs);
    if (plain) previousOurs = mine;
    if (quoted) markedQuote = true;
    if (mine && state === 'quote') quotesOurs = true;
    if (quoted || mine) {
      // An unprefixed quote of our email ends with its last line (or the footer); a "> " quote may be answered line by line.
      if (mine && (markedQuote || ours?.last.has(compact(line)))) quoteEnded = true;
      continue;
    }
    if (!plain) {
      if (state === 'reply') kept.push('');
      continue;
    }
    if (state === 'quote') {
      // Inside an unprefixed quote of our email (Outlook), a line that is not ours is an answer written between our lines.
      if (!quoteEnded && quotesOurs && !markedQuote) {
        kept.push(line);
        continue;
      }
      // Past the end of our quoted email, the person writes again (bottom-posted).
      if (!quoteEnded) continue;
      state = 'reply';
    }
    if (state === 'signature') continue;
    if (SIGNATURE_OPENERS.some((pattern) => pattern.test(plain))) {
      state = 'signature';
      continue;
    }
    kept.push(line.replace(QUOTE_MARK, ''));
  }
  // Legal disclaimers are dropped by what they say, wherever they start ("IMPORTANT: The contents of this email…").
  const joined = kept
    .join('\n')
    .split(/\n\s*\n/)
    .filter((paragraph) => !isDisclaimer(paragraph.slice(0, 3_000)))
    .join('\n\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (!joined) return '';
  // The library's pass. With our own text known, every quote of ours is already gone, so what
  // follows a quote header it still sees is the person's (bottom-posted): only its signatures go.
  // Without it, the library's top-posting reading (hide quotes and signatures) is the better guess.
  const email = parser.read(joined);
  const visible = ours
    ? email
        .getFragments()
        .filter((fragment) => !fragment.isSignature())
        .map((fragment) => fragment.getContent())
        .join('\n')
        .trim()
    : email.getVisibleText().trim();
  return visible || joined;
}

/** What a person reads of a message: the reply (or, when it is all quote, the start of the text). */
export function readableReply(text: string, max = 2_000, ours: OwnText | null = null): string {
  return (replyText(text, ours) || text.trim().slice(0, max)).slice(0, max);
}

/** Lower case, accents folded, quotes and spaces normalised: what the rules and the model read. */
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
