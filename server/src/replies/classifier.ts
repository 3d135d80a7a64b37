import type { ReplyIntent } from '../domain/reply-intents.js';
import { type Reference, extractDate, extractMeeting } from './dates.js';
import { type ReplyExample, matchExample } from './examples.js';
import { featuresOf } from './features.js';
import { type Language, detectLanguage } from './language.js';
import { type InboundMessage, addressesIn } from './message.js';
import { type ReplyModel, shippedModel } from './model.js';
import { PHRASES, SUPPORT_PATTERNS } from './phrases.js';
import { type OwnText, normalise, ownTextOf, replyText } from './reply-text.js';
import type { BounceInfo, Classification, Referral, TaughtPhrase } from './reading.js';

export type { BounceInfo, Classification, Referral, TaughtPhrase } from './reading.js';
import { AUTOMATIC_INTENTS, MIXED_POSITIVE_MIN, POSITIVE_INTENTS } from './safety.js';

export interface ClassifyOptions {
  /** The org's own examples: taught phrases and replies a person corrected. */
  examples?: readonly ReplyExample[];
  taught?: readonly TaughtPhrase[];
  /** Our own mailbox addresses: never a referral, never "the sender". */
  ourAddresses?: readonly string[];
  /** The emails we sent in this thread (the outbox copies): their lines are never the sender's words. */
  ours?: readonly string[] | OwnText;
  /** Used when the message has no Date header. */
  now?: Date;
  /** The model to read with (the shipped one by default). */
  model?: ReplyModel;
}

const MAX_RULE_CHARS = 20_000;

const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|mail delivery (system|subsystem))\b/i;
const BOUNCE_SUBJECT =
  /(undeliver|undelivered|delivery status notification|delivery (has )?failed|delivery failure|failure notice|returned mail|mail delivery failed|returning message to sender|could not be delivered|couldn'?t be delivered|unzustellbar|nicht zugestellt|non remis|non distribu|no se pudo entregar|no entregado|mensagem nao entregue|nao entregue|delivery delayed|delivery incomplete|message not delivered|warning: message)/i;
const TEMPORARY = /\b(delay(ed)?|still (undelivered|not delivered|trying)|will (retry|continue|keep trying)|temporar(y|ily)|verzogert|retarde|retrasad|atrasad)\b/i;
const AUTO_SUBJECT = /^(auto(matic|matische|matica|matique)?[ -]?(reply|response|antwort|respuesta|reponse|resposta)|out of (the )?office|abwesenheit(snotiz)?|autoreply|auto:|respuesta automatica|reponse automatique|resposta automatica|automatische antwort)/;

/** RFC 3834 and the de-facto auto-reply headers: a machine wrote this. */
export function isAutomatic(message: InboundMessage): boolean {
  const h = message.headers;
  const autoSubmitted = (h['auto-submitted'] ?? '').toLowerCase().trim();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (h['x-autoreply'] || h['x-autorespond'] || h['x-autoresponder'] || h['x-auto-reply']) return true;
  if (/^(auto_reply|auto-reply|bulk|junk)$/i.test((h['precedence'] ?? '').trim())) return true;
  return AUTO_SUBJECT.test(normalise(message.subject).replace(/^((re|aw|antw|wg|fw|fwd|tr|rv|sv)\s?:\s*)+/, ''));
}

/** A delivery failure, by structure: a multipart/report delivery status, or a mail system's bounce. */
function bounceOf(message: InboundMessage): BounceInfo | null {
  const fromLocal = `${message.from?.address ?? ''} ${message.from?.name ?? ''}`;
  const isReport = message.reportType === 'delivery-status';
  const looksLikeBounce = BOUNCE_SENDER.test(message.from?.address ?? '') || BOUNCE_SENDER.test(message.from?.name ?? '') || /mailer-daemon|postmaster/i.test(fromLocal);
  const subject = normalise(message.subject);
  if (!isReport && !(looksLikeBounce && BOUNCE_SUBJECT.test(subject)) && !(BOUNCE_SUBJECT.test(subject) && /\b[45]\.\d{1,3}\.\d{1,3}\b/.test(message.text.slice(0, MAX_RULE_CHARS)))) return null;
  const report = `${message.attachedText.slice(0, MAX_RULE_CHARS)}\n${message.text.slice(0, MAX_RULE_CHARS)}`;
  const recipient =
    report.match(/final-recipient:\s*rfc822;\s*<?([^\s<>]+@[^\s<>]+)>?/i)?.[1] ??
    report.match(/original-recipient:\s*rfc822;\s*<?([^\s<>]+@[^\s<>]+)>?/i)?.[1] ??
    addressesIn(message.headers['x-failed-recipients'] ?? '')[0] ??
    bodyRecipient(message.text.slice(0, MAX_RULE_CHARS));
  const action = report.match(/^action:\s*(\w+)/im)?.[1]?.toLowerCase() ?? null;
  // Status codes from the report, or an SMTP reply ("550 5.1.1", "#5.1.10"); never a bare version number.
  const status = report.match(/^status:\s*([245]\.\d{1,3}\.\d{1,3})/im)?.[1] ?? report.match(/\b[245]\d\d[ -]#?([245]\.\d{1,3}\.\d{1,3})\b/)?.[1] ?? report.match(/#([45]\.\d{1,3}\.\d{1,3})\b/)?.[1] ?? null;
  const diagnostic = report.match(/^diagnostic-code:\s*(.+)$/im)?.[1]?.trim() ?? null;
  const hard = action ? action === 'failed' : status ? status.startsWith('5') : !TEMPORARY.test(`${message.subject}\n${message.text.slice(0, MAX_RULE_CHARS)}`);
  return { recipient: recipient?.toLowerCase() ?? null, hard: hard && !(status?.startsWith('4') ?? false), status, diagnostic };
}

/** Old-style bounces name the failed address in prose: "<jane@x>: host … said: 550 …". */
function bodyRecipient(text: string): string | null {
  const match =
    text.match(/<([^\s<>@]+@[^\s<>]+)>\s*:/) ??
    text.match(/\b(?:to|an|a|para)\s+<?([^\s<>@]+@[^\s<>,;]+?)>?\s+(?:could not|couldn'?t|konnte|n'a pas|no se|nao)/i) ??
    // An address alone on an indented line, as Postfix and many MTAs list failed recipients.
    text.match(/^[ \t]{0,20}<?([^\s<>@]{1,64}@[^\s<>@]{1,255}?)>?[ \t]*$/m);
  if (match?.[1]) return match[1].toLowerCase();
  const to = text.split(/\r?\n/).find((line) => /^to:/i.test(line));
  return to ? (addressesIn(to.slice(3))[0]?.toLowerCase() ?? null) : null;
}

/**
 * An explicit request to stop, in the sender's own words (five languages). This is the one rule
 * that can opt a lead out: the model alone never can.
 */
const OPT_OUT: RegExp[] = [
  /\bunsubscrib(e|ed|ing)\b/,
  /^\s*(stop|remove|remove me|opt out|opt-out|baja|desuscribir|desinscrire|desabonner|abmelden|austragen|descadastrar)\s*[.!]*\s*$/m,
  /\b(remove|take|delete|drop|strike|scratch) (me|us|my (e-?mail|address|name|details|contact( details)?)|this (e-?mail|address))\b.{0,40}\b(from|off)\b/,
  /\b(remove|take) me off\b/, /\b(please |kindly |just )?(remove|delete|unlist) me\b/, /\bopt (me )?out\b/, /\bopt-out\b/,
  /\b(bitte )?(entfernen sie mich|nehmen sie mich (bitte )?(aus|von))\b/, /\b(retirez|enlevez|supprimez|desinscrivez)[- ]moi\b/, /\b(quitenme|quiteme|borrenme|eliminenme|sacadme|sacame)\b/, /\b(removam|remova|retirem|tirem)[- ]me\b/,
  /\b(stop|cease|quit) (e-?mailing|emailing|contacting|messaging|sending|writing)\b/,
  /\b(do not|don'?t|never) (e-?mail|contact|write to|message|send (me|us)|bother) (me|us|again|anything)\b/, /\b(do not|don'?t) (e-?mail|contact|write) (me|us) again\b/,
  /\bno (more|further) (e-?mails|emails|messages|contact|mail)\b/,
  /\b(dar(me|nos)? de baja|darse de baja|den(me|nos)? de baja|borr(ar|en|e|ad)(me|nos)? de|elimin(ar|en|e|ad)(me|nos)? de (su|la|vuestra|esta|sus)s? (lista|base|listado)|no (me|nos) (vuelvan? a )?(escriba|contacte|envie|mande|escriban|contacten|envien|manden)n?|dej(e|en|ad) de (escribir|enviar|mandar|contactar)(me|nos)?|no (quiero|deseo|queremos) recibir|no volver a (escribir|contactar)(me|nos)?|sac(ar|ad|en|ame|adme)(me|nos)? de)/,
  /\b(desinscri(re|vez|ption)|desabonn|retir(er|ez)(-moi| moi|-nous)? de (votre|vos|la|cette) (liste|fichier|base|mailing)|ne (plus )?m'(ecri|envoy|contact)ez plus|ne (me|nous) (contactez|ecrivez|sollicitez) plus|ne plus (me |nous )?(recevoir|contacter|ecrire|solliciter)|arret(er|ez) de (m'|nous )(ecrire|envoyer|contacter|solliciter)|supprim(er|ez) (mes donnees|mon adresse|moi|mon contact))/,
  /\b(abmelden|austragen|aus (ihrem|ihrer|dem|der) (verteiler|liste|newsletter|datenbank|mailingliste)|keine (weiteren )?(e-?mails|emails|nachrichten|werbung|zusendungen) mehr|(mochte|wunsche|will|wollen) keine (weiteren )?(e-?mails|emails|nachrichten|werbung|zusendungen)|nicht mehr (kontaktieren|anschreiben|schreiben|zu kontaktieren|anzuschreiben)|kontaktieren sie (mich|uns) nicht|schreiben sie (mir|uns) nicht|loschen sie (meine|mich|unsere)|streichen sie (mich|uns))/,
  /\b(descadastr|cancelar (a )?(minha )?(inscricao|subscricao)|remov(er|am|a|am)(-me| me|-nos)? da (sua |vossa |vosa )?(lista|base|mailing)|(nao|parem de) (me |nos )?(envi(ar|em)|mand(ar|em)|contact(ar|em)|contat(ar|em)|escrever)(-me)? (mais )?(e-?mails|emails|mensagens)|nao (me |nos )?(enviem|mandem|contactem|contatem|escrevam) mais|nao quero (mais )?receber|deixem de me (enviar|contactar|contatar|escrever)|tir(ar|em|e)(-me| me)? da (lista|base))/,
  /\bgdpr\b.{0,80}\b(delete|erase|remove)\b|\b(delete|erase) (all )?(my|our) (personal )?data\b/,
  // Separable German verbs: "schreiben Sie mich nicht mehr an", "kontaktieren Sie uns bitte nicht mehr".
  /\b(schreiben|kontaktieren|mailen|senden|schicken) sie (mich|uns|mir) (bitte )?(nicht mehr|keine (e-?mails|emails|nachrichten) mehr)\b/,
  // "Remove my address" in each language, whatever list or database follows.
  /\b(remove|delete|take|drop|erase) (my|our) (e-?mail( address)?|address|name|details|contact( details)?)\b/,
  /\b(retir|supprim|enlev|effac|radi)\w* (mon|mes|notre|nos) (adresse|courriel|e-?mail|coordonnees|contact|nom)\b/, /\bne plus (m'|nous |me )?(ecrire|envoyer|contacter|solliciter)\b/, /\bne (m'|me |nous )?(ecrivez|contactez|envoyez|sollicitez) plus\b/,
  /\b(quit|elimin|borr|retir|sac)\w* (mi|mis|nuestro|nuestra|nuestros) (correo|e-?mail|direccion|contacto|datos|nombre)\b/, /\b(no|nunca) (me|nos) (vuelvan? a )?(escrib|contact|envi|mand)\w*\b/,
  /\b(remov|retir|tir|exclu|apag|elimin)\w* (o |a |os )?(meu|minha|meus|nosso|nossa) (e-?mail|endereco|contacto|contato|nome|cadastro|dados)\b/, /\bnao (me |nos )?(voltem a |volte a )?(envi|mand|contact|contat|escrev)\w* mais\b/,
  /\b(mich|uns)\b.{0,30}\b(aus|von) (ihrem|ihrer|dem|der|ihren) (verteiler|liste|mailingliste|datenbank|adressliste)\b/, /\b(meine|unsere) (e-?mail-?adresse|adresse|kontaktdaten|daten|e-?mail)\b.{0,40}\b(entfernen|loschen|streichen|austragen)\b/,
  /\b(dad|da|den|de)(me|nos) de baja\b/, /\b(me|nos) (deis|den|de|da|des|dais) de baja\b/, /\bno (me|nos) (volvais|vuelvan|vuelvas|vuelva) a (escribir|contactar|enviar|mandar)\b/,
];

/** Our own list, then the earlier release's tuned opt-out phrases (phrases.ts), all in the sender's words only. */
const OPT_OUT_ALL: RegExp[] = [...OPT_OUT, ...(PHRASES.Unsubscribed ?? []).map((rule) => rule.pattern)];

/** "Nada de darse de baja", "I don't want to unsubscribe": an opt-out phrase the sender negates right before it. */
const NEGATED_BEFORE = /\b(no|not|nada de|sin|pas|pas de|jamais|nicht|kein|nao|nem|never|don'?t|won'?t|no need to|pas besoin de|no hace falta|nao precisa)\s+((to|de|d'|me|vous|se|mich|sich|a|need|want|wanna|going|gonna|intend|plan|will|ich|je|yo|eu|vou|voy|veux|will|mochte)\s+){0,3}$/;
/** "the unsubscribe link", "votre lien « unsubscribe »": the word naming our link, not asking for it. */
const LINK_BEFORE = /\b(the|your|this|that|votre|vos|le|ce|lien|ihr|ihren|den|dem|el|su|ese|o|seu|esse)\s*["'[(]?\s*$/;
const LINK_AFTER = /^\s*["'\])]?\s*(link|links|button|lien|bouton|knopf|schaltflache|enlace|boton|botao|footer)\b/;

function optOutOf(normalOwn: string, automatic = false): string | undefined {
  // An automatic message's prose ("ich kann keine E-Mails lesen") is held to our own, stricter list.
  for (const pattern of automatic ? OPT_OUT : OPT_OUT_ALL) {
    for (const found of normalOwn.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))) {
      const before = normalOwn.slice(Math.max(0, found.index - 40), found.index);
      const after = normalOwn.slice(found.index + found[0].length, found.index + found[0].length + 20);
      if (NEGATED_BEFORE.test(before)) continue;
      if (/^unsubscrib/.test(found[0]) && (LINK_BEFORE.test(before) || LINK_AFTER.test(after))) continue;
      return found[0].trim();
    }
  }
  return undefined;
}

/** A help desk's receipt: a ticket number and support wording, and acknowledgement wording. */
const AUTO_ACK = /\b(not monitored|unmonitored|do not reply|no-?reply|we (have )?received your (e-?mail|message|request)|thank you for (your (e-?mail|message|request)|contacting|reaching out)|thanks for (your (e-?mail|message)|contacting|reaching out)|(will|we'll) (get back|respond|reply) (to you )?(within|as soon)|your (message|request) (has been|was) (received|read|logged)|has been (opened|created|logged|registered|received)|hemos recibido|se ha (registrado|creado)|foi (registrad[ao]|criad[ao]|aberto)|recebemos|nous avons (bien )?recu|a bien ete (enregistree|recue|creee)|wir haben ihre|ist bei uns eingegangen|wurde (erstellt|angelegt|registriert)|le responderemos|vous repondrons|werden uns .{0,30} melden|responderemos)\b/;

function isHelpdeskAck(text: string): boolean {
  return SUPPORT_PATTERNS.filter((pattern) => pattern.test(text)).length >= 2 && AUTO_ACK.test(text);
}

const EMAIL = /(?<![a-z0-9._%+-])[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8}\.[a-z]{2,24}\b/gi;
const NAME = /((?:[A-ZÀ-Ý][a-zà-ÿ'’-]{0,40})(?:[ \t]{1,3}(?:(?:de|da|do|dos|van|von|der|del|la|le)[ \t]{1,3})?[A-ZÀ-Ý][A-Za-zà-ÿ'’-]{0,40}){1,3})/;
const NOT_NAMES = /^(Hi|Hello|Dear|Thanks|Thank|Best|Regards|Kind|Please|Hola|Bonjour|Hallo|Olá|Ola|Sehr|Estimado|Cordialement|Saludos|Obrigado|Grüße|Gruesse|Mit|Our|The|She|He|They|You|Try|Contact|Talk|Ask|Email|Write|Reach|Frau|Herr|Herrn|Mme|Madame|Monsieur|Sr|Sra|Dr|Mr|Mrs|Ms|Not|Facilities|Procurement|Energy|Operations|Purchasing|Accounting|Finance)\b\.?,?\s*/;

function cleanName(name: string | null): string | null {
  if (!name) return null;
  let clean = name.trim();
  while (NOT_NAMES.test(clean)) clean = clean.replace(NOT_NAMES, '');
  return clean.split(/\s+/).length >= 2 || /^[A-ZÀ-Ý]/.test(clean) ? clean || null : null;
}

/** A capitalised name in the text whose surname (and first name or initial) the address spells. */
function nameMatchingAddress(text: string, email: string): string | null {
  const local = normalise(email.split('@')[0] ?? '').replace(/[^a-z]/g, '');
  let best: { name: string; score: number } | null = null;
  for (const match of text.matchAll(new RegExp(NAME.source, 'g'))) {
    const full = cleanName(match[1]!)?.split(/\s+/) ?? [];
    for (let start = 0; start <= full.length - 1; start += 1) {
      const name = full.slice(start).join(' ');
      const words = normalise(name).replace(/[^a-z ]/g, '').split(/\s+/).filter(Boolean);
      const last = words[words.length - 1];
      const first = words[0];
      if (!last || !first || last.length < 2 || !local.includes(last)) continue;
      const score = (words.length >= 2 ? (local.includes(first) ? 2 : local.startsWith(first[0]!) ? 1 : 0) : local.startsWith(last) ? 1.5 : 0.5) + words.length / 10;
      if (!best || score > best.score) best = { name, score };
    }
  }
  return best?.name ?? null;
}

function nameFromAddress(email: string): string | null {
  const parts = (email.split('@')[0] ?? '').split(/[._-]+/).filter((part) => /^[a-z]{2,}$/i.test(part));
  if (parts.length < 2) return null;
  return parts.map((part) => part[0]!.toUpperCase() + part.slice(1).toLowerCase()).join(' ');
}

/** The person a reply points to: an address in the sender's words (not theirs, not ours), or a Cc. */
/** Quote header lines ("De : Pierre Martin <…>", "To: …", "On … wrote:"): the addresses on them are the thread's, not a referral. */
const HEADER_LINE = /^\s*>?\s*\*?(from|de|von|da|to|para|à|a|an|cc|sent|envoyé|gesendet|enviado|objet|subject|betreff|asunto|assunto)\s?\*?\s?:|\b(wrote|a écrit|schrieb|escribió|escreveu)\s?:?\s*$/i;

function referralOf(message: InboundMessage, reply: string, ours: readonly string[]): Referral | null {
  const excluded = new Set([...(message.from ? [message.from.address] : []), ...ours.map((address) => address.toLowerCase())]);
  const senderDomain = message.from?.address.split('@')[1];
  const addressIn = (text: string): Referral | null => {
    const lines = text.split('\n');
    for (const [index, fullLine] of lines.entries()) {
      const line = fullLine.slice(0, 1_000);
      for (const match of line.matchAll(EMAIL)) {
        const email = match[0].toLowerCase().replace(/\.$/, '');
        if (excluded.has(email)) continue;
        if (/^(info|sales|office|contact|hello|support|noreply|no-reply)@/.test(email) && email.split('@')[1] === senderDomain && index > lines.length - 4) continue;
        const before = line.slice(Math.max(0, match.index - 120), match.index).replace(/[(<[:\s-]{1,20}$/, '');
        const near = before.match(new RegExp(`${NAME.source}[^A-Za-zÀ-ÿ]*$`))?.[1] ?? line.slice(match.index + match[0].length).match(NAME)?.[1] ?? lines[index - 1]?.trim().match(new RegExp(`^${NAME.source}$`))?.[1];
        const name = nameMatchingAddress(text, email) ?? cleanName(near ?? null) ?? nameFromAddress(email);
        return { name, email };
      }
    }
    return null;
  };
  const inReply = addressIn(reply);
  if (inReply) return inReply;
  const cc = message.cc.find((entry) => !excluded.has(entry.address));
  if (cc) return { name: cc.name || nameFromAddress(cc.address), email: cc.address };
  // Forwarded to a colleague with us in copy: the colleague is in To.
  const to = message.recipients.find((address) => !excluded.has(address) && !/^(info|sales|noreply|no-reply)@/.test(address));
  if (to) return { name: nameMatchingAddress(reply, to) ?? nameFromAddress(to), email: to };
  // "See the answer below": the colleague's note in the forwarded part names the person.
  const forwarded = addressIn(
    message.text
      .slice(0, MAX_RULE_CHARS)
      .split('\n')
      .filter((line) => !HEADER_LINE.test(line.slice(0, 300)))
      .join('\n'),
  );
  if (forwarded) return forwarded;
  const named = reply.match(new RegExp(`(?:contact|reach out to|speak (?:to|with)|talk (?:to|with)|get in touch with|write to|try|con|a|an|com|avec|mit)\\s+${NAME.source}`));
  return named ? { name: cleanName(named[1]!), email: null } : null;
}

/** What the classifier reads of a message, computed once (the trainer reads the same). */
export interface ReadMessage {
  own: string;
  normal: string;
  language: Language;
  automatic: boolean;
  features: string[];
}

export function readMessage(message: InboundMessage, options: Pick<ClassifyOptions, 'ours' | 'ourAddresses'> = {}): ReadMessage {
  const ours = options.ours === undefined ? null : 'lines' in options.ours ? options.ours : ownTextOf(options.ours);
  const own = replyText(message.text.slice(0, MAX_RULE_CHARS), ours).slice(0, MAX_RULE_CHARS);
  const normal = normalise(own);
  const automatic = isAutomatic(message);
  const ourAddresses = new Set((options.ourAddresses ?? []).map((address) => address.toLowerCase()));
  const hasCc = message.cc.some((entry) => !ourAddresses.has(entry.address) && entry.address !== message.from?.address);
  return { own, normal, language: detectLanguage(own, normal), automatic, features: featuresOf({ text: own, subject: message.subject, automatic, hasCc }) };
}

const round = (value: number) => Math.round(value * 100) / 100;
const BESIDES_READINGS = new Set<ReplyIntent>([...POSITIVE_INTENTS, 'Deactivated', 'Unclassified', 'ReferredSomeone']);
const CLAUSES = /(?<=[.!?;])\s+|\n+|,?\s+(?:but|however|though|aber|jedoch|doch|mais|cependant|pero|sin embargo|mas|porem|contudo)\s+/i;

/**
 * Mixed answers ("happy to talk, but take me off the list"): the rest of the reply, without the
 * clause that asks to stop, read on its own. Answers the probability that it shows interest.
 */
function interestBesides(own: string, optOut: string, model: ReplyModel): number {
  const rest = own
    .slice(0, 5_000)
    .replace(/[ \t]+/g, ' ')
    .split(CLAUSES)
    .filter((clause) => clause && !normalise(clause).includes(optOut))
    .join('. ')
    .trim();
  if (rest.replace(/[^\p{L}]/gu, '').length < 8) return 0;
  const { probabilities } = model.score(featuresOf({ text: rest, subject: '', automatic: false, hasCc: false }), BESIDES_READINGS);
  return POSITIVE_INTENTS.reduce((sum, intent) => sum + (probabilities.get(intent) ?? 0), 0);
}

/**
 * Reads one inbound message. Exact rules first, for what must never be wrong: read receipts, bounces
 * by structure, help-desk acknowledgements, and the sender's own opt-out words; automatic-reply
 * headers limit the reading to automatic intents. Then the org's own examples (taught phrases,
 * corrected replies), then the shipped model. Extraction (dates, meeting time, referral) follows.
 */
export function classify(message: InboundMessage, options: ClassifyOptions = {}): Classification {
  const read = readMessage(message, options);
  const { own, normal, language, automatic } = read;
  const model = options.model ?? shippedModel();
  const reference: Reference = { instant: message.date ?? options.now ?? new Date(), offsetMinutes: message.date ? message.dateOffset : null };
  const base = { language, excerpt: (own || message.text.trim()).slice(0, 2_000), alternatives: [] as Classification['alternatives'] };

  if (message.reportType === 'disposition-notification') {
    return { ...base, intent: 'AutoReply', confidence: 0.98, source: 'rule', reason: 'read receipt (disposition notification)' };
  }
  const bounce = bounceOf(message);
  if (bounce) {
    return {
      ...base,
      intent: 'Bounce',
      confidence: message.reportType === 'delivery-status' ? 0.99 : 0.92,
      source: 'rule',
      reason: `${message.reportType === 'delivery-status' ? 'delivery status report' : 'bounce from the mail system'}${bounce.status ? ` (${bounce.status}${bounce.hard ? ', permanent' : ', temporary'})` : bounce.hard ? '' : ' (temporary)'}`,
      bounce,
    };
  }

  const allowed = new Set<ReplyIntent>(automatic ? AUTOMATIC_INTENTS : model.classes.filter((intent) => intent !== 'Bounce'));
  const { probabilities } = model.score(read.features, allowed);
  const ranked = [...probabilities.entries()].filter(([intent]) => allowed.has(intent)).sort((a, b) => b[1] - a[1]);
  const alternatives = ranked.slice(0, 3).map(([intent, probability]) => ({ intent, probability: round(probability) }));
  const withAlternatives = { ...base, alternatives };
  // Links are nobody's words: an unsubscribe URL (ours, or a newsletter's in a signature) is no request to stop.
  // Automatic-reply headers are the sender's claim too: "remove me" under Precedence: bulk still counts (it then goes to a person).
  // A request to stop is at the top of what the person wrote: the first 5,000 characters bound the work.
  const words = optOutOf(normal.slice(0, 5_000).replace(/(https?:\/\/|www\.)\S+/g, ' '), automatic);
  // In an automatic message a bare "unsubscribe" is its own footer ("to unsubscribe from these notifications"), not a request.
  const optOut = automatic && words !== undefined && /^(to )?unsubscrib/.test(words) ? undefined : words;
  const positive = optOut ? interestBesides(own, optOut, model) : 0;

  let result: Classification;
  const example = matchExample(options.examples ?? [], options.taught ?? [], normal, read.features);
  if (isHelpdeskAck(`${normalise(message.subject)}\n${normal.slice(0, 5_000)}`) && !optOut) {
    result = { ...withAlternatives, intent: 'SupportAutoResponse', confidence: automatic ? 0.95 : 0.9, source: 'rule', reason: 'help desk acknowledgement (ticket number and support wording)' };
  } else if (example) {
    const intent = example.example.intent;
    result = {
      ...withAlternatives,
      intent,
      confidence: round(example.confidence),
      source: 'example',
      reason: example.example.kind === 'phrase' ? `taught phrase "${example.example.text}"` : `like a reply a person marked as ${intent} (similarity ${example.similarity.toFixed(2)})`,
    };
    if (intent === 'Unsubscribed') result.optOut = optOut ?? (example.example.kind === 'phrase' ? example.example.text : 'like a reply a person marked as an opt-out');
    else if (optOut) result.optOut = optOut;
  } else if (optOut && automatic) {
    // An automatic message that carries opt-out words (a newsletter footer, or a person behind a bulk header): a person reads it.
    result = { ...withAlternatives, intent: 'Unclassified', confidence: 0.4, source: 'rule', reason: `automatic message with opt-out words ("${optOut}")`, optOut };
  } else if (optOut) {
    const mixed = positive >= MIXED_POSITIVE_MIN;
    result = {
      ...withAlternatives,
      intent: 'Unsubscribed',
      confidence: mixed ? 0.6 : round(Math.max(0.9, probabilities.get('Unsubscribed') ?? 0)),
      source: 'rule',
      reason: `the sender asks to stop: "${optOut}"${mixed ? ` (and reads as positive, ${positive.toFixed(2)})` : ''}`,
      optOut,
      ...(mixed ? { mixed } : {}),
    };
  } else {
    const [top, probability] = ranked[0] ?? ['Unclassified', 0];
    if (top === 'Unsubscribed') {
      // The model alone never opts a lead out: with no opt-out in the sender's words, a person reads it.
      const next = ranked[1];
      result = { ...withAlternatives, intent: 'Unclassified', confidence: 0.4, source: 'model', reason: `reads like an opt-out (${probability.toFixed(2)}), but the sender's words hold none${next ? `; next reading ${next[0]} (${next[1].toFixed(2)})` : ''}` };
    } else if (!own.trim() && !automatic) {
      result = { ...withAlternatives, intent: 'Unclassified', confidence: 0.5, source: 'rule', reason: 'nothing written above or below the quoted email' };
    } else {
      result = { ...withAlternatives, intent: top, confidence: round(probability), source: 'model', reason: `model ${top} ${probability.toFixed(2)}${ranked[1] ? `, then ${ranked[1][0]} ${ranked[1][1].toFixed(2)}` : ''}${automatic ? ' (automatic reply)' : ''}` };
    }
  }
  return extract(result);

  function extract(found: Classification): Classification {
    const text = own || message.text.slice(0, 5_000);
    if (found.intent === 'OutOfOffice' || found.intent === 'ConnectLater') {
      const date = extractDate(`${message.subject}\n${text}`, reference, language, found.intent === 'OutOfOffice' ? 'return' : 'later');
      if (date) found.date = date;
    }
    if (found.intent === 'ReferredSomeone' || found.intent === 'MovedOut' || found.intent === 'Retired') {
      const referral = referralOf(message, own || message.text.slice(0, MAX_RULE_CHARS), options.ourAddresses ?? []);
      if (referral) found.referral = referral;
    }
    if (found.intent === 'AgreedToMeet' || found.intent === 'InterestedToProceed') {
      const meeting = extractMeeting(text, reference, language);
      if (meeting) found.meeting = meeting;
    }
    return found;
  }
}
