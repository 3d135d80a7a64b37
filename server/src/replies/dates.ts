import * as chrono from 'chrono-node';
import type { Language } from './language.js';
import { normalise } from './reply-text.js';

/**
 * Dates in replies, read with chrono-node in the sender's language (en, de, es, fr, pt) against the
 * message's Date header in the sender's own time zone: a return date in an absence notice, "try me
 * in January" in a human answer, "Thursday at 2pm" in a meeting proposal.
 *
 * chrono reads explicit dates, weekdays, times and "tomorrow" / "in two weeks" in each language.
 * What it does not know we add by hand, because a sales reply uses it and chrono has no word for
 * it: quarters ("Q3", "next quarter"), "next month" meaning its first day, "next week" meaning its
 * Monday, the holidays business mail names ("after Easter", "after the holidays", "à la rentrée"),
 * "until … inclusive" meaning the day after, and times chrono misses in Portuguese and Spanish
 * ("15h30", "14:30 hs").
 */

export interface Day {
  year: number;
  month: number;
  day: number;
}

export function formatDay(day: Day): string {
  return `${String(day.year).padStart(4, '0')}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}

function toDay(ms: number): Day {
  const date = new Date(ms);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function dayMs(day: Day): number {
  return Date.UTC(day.year, day.month - 1, day.day);
}

function addDays(day: Day, days: number): Day {
  return toDay(dayMs(day) + days * 86_400_000);
}

function weekday(day: Day): number {
  return new Date(dayMs(day)).getUTCDay();
}

/** The moment a message was written, and the sender's clock: its Date header and offset. */
export interface Reference {
  instant: Date;
  /** Minutes east of UTC, from the Date header; null when unknown (then UTC). */
  offsetMinutes: number | null;
}

function localDay(reference: Reference): Day {
  return toDay(reference.instant.getTime() + (reference.offsetMinutes ?? 0) * 60_000);
}

type Parser = { parse: (text: string, ref: chrono.ParsingReference, option?: chrono.ParsingOption) => chrono.ParsedResult[] };

function parserFor(language: Language, reference: Reference): Parser {
  switch (language) {
    case 'de':
      return chrono.de.casual;
    case 'fr':
      return chrono.fr.casual;
    case 'es':
      return chrono.es.casual;
    case 'pt':
      return chrono.pt.casual;
    default:
      // Day-first outside the Americas ("03/12" is 3 December in London, 12 March in Chicago).
      return reference.offsetMinutes !== null && reference.offsetMinutes <= -180 ? chrono.en.casual : chrono.en.GB;
  }
}

interface Found {
  day: Day;
  dayCertain: boolean;
  /** The month was said ("in March"), not merely implied ("the year"). */
  monthCertain: boolean;
  hour: number | null;
  minute: number;
  index: number;
  text: string;
  end: Day | null;
}

const LOOSE_TIME = /^[\s,]*(?:at|à|a las|as|às|um|ab|a partir das|vers|gegen|alle)?\s*(?:(\d{1,2})[:h](\d{2})\b(?!\s*[ap]\.?m\b)|(\d{1,2})(?:[:.](\d{2}))?\s*(?:h|hs|hrs|uhr|horas|heures)\b)/i;

/** A time at the start of `text` that chrono left unread ("às 15h00", "um 14 Uhr"), and how many characters it takes. */
function looseTime(text: string): { hour: number; minute: number; length: number } | null {
  const match = text.match(LOOSE_TIME);
  if (!match) return null;
  const hour = Number(match[1] ?? match[3]);
  return hour <= 23 ? { hour, minute: Number(match[2] ?? match[4] ?? 0), length: match[0].length } : null;
}

function chronoDates(text: string, language: Language, reference: Reference): Found[] {
  const ref = { instant: reference.instant, timezone: reference.offsetMinutes ?? 0 };
  const results: Found[] = [];
  const today = localDay(reference);
  // The sender's language first. Nothing found: the neighbouring languages (a short Portuguese reply
  // is easily taken for Spanish). Then English, where it names something definite and the others did
  // not read the same words: English dates turn up in every language.
  const read = (lang: Language) => parserFor(lang, reference).parse(text, ref, { forwardDate: true }).filter((result) => !DURATION.test(result.text) && !/^\d{1,2}\s?[-–]\s?\d{1,2}$/.test(result.text));
  let parsed = read(language);
  for (const other of LANGUAGE_ORDER) {
    if (parsed.length > 0) break;
    if (other !== language && other !== 'en') parsed = read(other);
  }
  if (language !== 'en') {
    // Only a named weekday or month: English reads "15h" as fifteen hours from now and "a m" as a time.
    const definite = read('en').filter((candidate) => EN_DEFINITE.test(candidate.text));
    // Where both read the same words, the longer reading wins ("Monday 11:30 AM" over "11:30").
    for (const candidate of definite) {
      const overlapping = parsed.filter((found) => candidate.index < found.index + found.text.length && found.index < candidate.index + candidate.text.length);
      if (overlapping.every((found) => found.text.length < candidate.text.length)) {
        parsed = parsed.filter((found) => !overlapping.includes(found));
        parsed.push(candidate);
      }
    }
    parsed.sort((a, b) => a.index - b.index);
  }
  for (const result of parsed) {
    // "jetzt passt es" is no moment, "Guten Morgen" no tomorrow.
    if (NOW_WORDS.test(normalise(result.text.trim()))) continue;
    if (/^\s*morgen\b/i.test(result.text) && /\bguten\s*$/i.test(text.slice(Math.max(0, result.index - 8), result.index))) continue;
    const start = result.start;
    let day: Day = { year: start.get('year') ?? today.year, month: start.get('month') ?? 1, day: start.get('day') ?? 1 };
    let dayCertain = start.isCertain('day') || start.isCertain('weekday');
    let hour = start.isCertain('hour') ? (start.get('hour') ?? null) : null;
    let minute = start.isCertain('minute') ? (start.get('minute') ?? 0) : 0;
    let end = result.index + result.text.length;
    // "morgen um 14 Uhr": chrono's German reads the word as "morning" of today.
    if (!dayCertain && /\bmorgen\b/i.test(result.text) && !/\b(am|den|jeden)\s+morgen\b/i.test(result.text)) {
      day = addDays(today, 1);
      dayCertain = true;
    }
    // "Dienstag, 17.11." is the 17th of November, not 17:11: day-first languages write dates with dots.
    const dotted = /(\d{1,2})\.(\d{1,2})\.?$/.exec(result.text);
    if (dotted && hour !== null && Number(dotted[1]) === hour && Number(dotted[2]) === minute && Number(dotted[2]) >= 1 && Number(dotted[2]) <= 12 && Number(dotted[1]) <= 31) {
      day = nextDayOf(today, Number(dotted[2]), Number(dotted[1]));
      dayCertain = true;
      hour = null;
      minute = 0;
    }
    let resolved = day;
    const weekdayOnly = !start.isCertain('day') && start.isCertain('weekday');
    if (weekdayOnly) {
      const wanted = start.get('weekday')!;
      const before = normalise(text.slice(Math.max(0, result.index - 24), result.index));
      const inside = result.text.match(DAY_IN_WEEKDAY_TEXT);
      // "Mittwoch, 25.11.", "quarta-feira, dia 18", "mardi 24": the date said right after the weekday.
      const after = inside ? null : text.slice(end, end + 16).match(DAY_AFTER_WEEKDAY);
      const said = inside ?? after;
      const dayOfMonth = said ? Number(said[1]) : 0;
      const previous = results.at(-1);
      if (said && dayOfMonth >= 1 && dayOfMonth <= 31) {
        const month = said[2] ? Number(said[2]) : 0;
        resolved = month >= 1 && month <= 12 ? nextDayOf(today, month, dayOfMonth) : nextDayOfMonth(today, dayOfMonth);
        if (after) end += after[0].length;
        if (inside) {
          // chrono took "mardi 17 à 15h" for 17:00; the number is the day, the time is what follows it.
          const time = looseTime(result.text.slice(inside[0].length));
          hour = time?.hour ?? null;
          minute = time?.minute ?? 0;
        }
      } else if (NEXT_WEEK_BEFORE.test(before) || NEXT_WEEK_AFTER.test(normalise(text.slice(end, end + 24)))) {
        // "nächste Woche Dienstag", "Tuesday next week": that weekday of next week.
        const monday = addDays(today, ((8 - weekday(today)) % 7) || 7);
        resolved = addDays(monday, (wanted + 6) % 7);
      } else if (previous && (FOLLOWING_AFTER.test(normalise(text.slice(end, end + 16))) || FOLLOWING_BEFORE.test(before))) {
        // "até sexta, dia 27 … Regresso na segunda-feira seguinte": the first such weekday after the day just named.
        const from = previous.end ?? previous.day;
        resolved = addDays(from, (wanted - weekday(from) + 7) % 7 || 7);
      } else if (NEXT_WEEKDAY.test(normalise(result.text)) || NEXT_BEFORE.test(before)) {
        // "next Tuesday", "jeudi prochain", "próxima quarta": the coming one, unless it is a day or two away (then the week after).
        let ahead = (wanted - weekday(today) + 7) % 7 || 7;
        if (ahead <= 2) ahead += 7;
        resolved = addDays(today, ahead);
      } else if (dayMs(resolved) <= dayMs(today)) {
        // A weekday alone, said on that weekday, is next week's ("Thursday?" written on a Thursday).
        resolved = addDays(resolved, 7);
      }
    }
    if (hour === null) {
      // "quinta às 15h30", "Donnerstag 14 Uhr": a time chrono left unread right after the day.
      const loose = looseTime(text.slice(end, end + 30));
      if (loose) {
        ({ hour, minute } = loose);
        end += loose.length;
      }
    }
    const endDay = result.end ? { year: result.end.get('year') ?? day.year, month: result.end.get('month') ?? day.month, day: result.end.get('day') ?? day.day } : null;
    // Nobody means a date more than two years away in a reply; such a reading is a misparse.
    if (dayMs(resolved) > dayMs(today) + 730 * 86_400_000) continue;
    results.push({ day: resolved, dayCertain, monthCertain: start.isCertain('month'), hour, minute, index: result.index, text: text.slice(result.index, end), end: endDay });
  }
  // "ab 07.12.", "bis 4.12.2026": dotted dates chrono's languages do not read, where it read nothing.
  for (const match of text.matchAll(DOTTED_DATE)) {
    const [whole, d, m, y] = match;
    const index = match.index;
    const month = Number(m);
    const dayOfMonth = Number(d);
    if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > 31) continue;
    if (results.some((found) => index < found.index + found.text.length && found.index < index + whole.length)) continue;
    const year = y ? (y.length === 2 ? 2000 + Number(y) : Number(y)) : null;
    // Without a year, a date of the last half year is past ("vom 09.11. bis …"), a later one next year's.
    const thisYear = { year: today.year, month, day: dayOfMonth };
    const day = year ? { year, month, day: dayOfMonth } : dayMs(thisYear) >= dayMs(today) - 183 * 86_400_000 ? thisYear : { ...thisYear, year: today.year + 1 };
    let hour: number | null = null;
    let minute = 0;
    let length = whole.length;
    const loose = looseTime(text.slice(index + length, index + length + 30));
    if (loose) {
      ({ hour, minute } = loose);
      length += loose.length;
    }
    results.push({ day, dayCertain: true, monthCertain: true, hour, minute, index, text: text.slice(index, index + length), end: null });
  }
  results.sort((a, b) => a.index - b.index);
  // "el martes 24 a las 14:30": chrono may read the day and the time as two results; a day without a
  // time followed closely by a time without a day is one moment.
  for (let index = 0; index + 1 < results.length; index += 1) {
    const day = results[index]!;
    const time = results[index + 1]!;
    const gap = time.index - (day.index + day.text.length);
    if (day.dayCertain && day.hour === null && time.hour !== null && !time.dayCertain && gap >= 0 && gap <= 20) {
      results.splice(index, 2, { ...day, hour: time.hour, minute: time.minute, text: text.slice(day.index, time.index + time.text.length) });
    }
  }
  return results;
}

const NOW_WORDS = /^(jetzt|now|right now|just now|maintenant|ahora|agora|ya|gerade|heute noch)$/;
/** "next Tuesday", "nächsten Dienstag", "jeudi prochain", "el próximo martes", "martes que viene", "próxima quarta". */
const NEXT_WEEKDAY = /\b(next|this coming|nachste[nmrs]?|kommende[nmrs]?|prochain|proxim[oa]|que viene|que vem)\b/;
/** After a weekday: "25.11.", "dia 18", "den 24.", "le 19", "el 24", "the 24th". */
/** The same words right before a weekday chrono read without them. */
const NEXT_BEFORE = /\b(next|this coming|nachste[nmrs]?|kommende[nmrs]?|proxim[oa]|el proximo|la proxima|na proxima|no proximo)\s*$/;
const DAY_AFTER_WEEKDAY = /^[\s,]{0,3}(?:(?:dia|den|der|le|el|the|am)\s+)?(\d{1,2})(?:\.(\d{1,2})\.?|st|nd|rd|th|er|º|o|\.)?(?![\d:h])(?!\s*(?:min|minute|minutes|minuten|minutos|mins|heures?|hours?|stunden?|horas?)\b)/i;
/** The same inside chrono's reading of the weekday ("mardi 17 à 15h"), when no time mark follows the number. */
const DAY_IN_WEEKDAY_TEXT = /^[\p{L}-]+,?\s+(?:(?:dia|den|der|le|el|the|am)\s+)?(\d{1,2})(?:\.(\d{1,2})\.?|st|nd|rd|th|er|º)?(?![\d:h.])(?!\s*(?:h\b|uhr|heures?|hrs?|am|pm|a\.m|p\.m|o'clock)\b)/iu;
const NEXT_WEEK_BEFORE = /\b(next week|nachste woche|kommende woche|la semaine prochaine|semaine prochaine|la semana que viene|la proxima semana|semana que vem|proxima semana)[\s,]*(on |am |le |el |na |no |o |a )?$/;
const NEXT_WEEK_AFTER = /^[\s,]*(of )?(next week|nachste woche|kommende woche|de la semaine prochaine|la semaine prochaine|de la semana que viene|de la proxima semana|da semana que vem|da proxima semana)\b/;
const FOLLOWING_AFTER = /^[\s,]*(seguinte|a seguir|suivant|d'apres|siguiente|after that)\b/;
const FOLLOWING_BEFORE = /\b(the following|am darauffolgenden|am folgenden|darauffolgenden)\s*$/;
const DOTTED_DATE = /(?<![\d.:,])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2}(?!\d))?(?!\d)/g;

/** The next day (today or later) with this month and day of month. */
function nextDayOf(today: Day, month: number, dayOfMonth: number): Day {
  const candidate = { year: today.year, month, day: dayOfMonth };
  return dayMs(candidate) >= dayMs(today) ? candidate : { ...candidate, year: today.year + 1 };
}

/** The next day (today or later) with this day of month: this month's, else next month's. */
function nextDayOfMonth(today: Day, dayOfMonth: number): Day {
  if (dayOfMonth >= today.day) return { ...today, day: dayOfMonth };
  return today.month === 12 ? { year: today.year + 1, month: 1, day: dayOfMonth } : { year: today.year, month: today.month + 1, day: dayOfMonth };
}

/** Durations ("30 minutes max", "eine halbe Stunde") are no moments. */
const DURATION = /\b\d+\s*(minutes?|mins?|minuten|minutos|heures?|hours?|stunden|horas)\b|^\s*(in|dans|en|em|daqui a)\s+\d+\s*(minutes?|minuten|minutos)/i;
const EN_DEFINITE = /\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(january|february|march|april|june|july|august|september|october|november|december)\b|\d{1,2}[/.-]\d{1,2}/i;
const LANGUAGE_ORDER: readonly Language[] = ['pt', 'es', 'fr', 'de', 'en'];

function easterSunday(year: number): Day {
  // The anonymous Gregorian computus.
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

/** The next occurrence (after today) of a day each year has. */
function nextYearly(today: Day, make: (year: number) => Day): Day {
  const thisYear = make(today.year);
  return dayMs(thisYear) > dayMs(today) ? thisYear : make(today.year + 1);
}

const QUARTER = /\b(?:q|quarter\s*|trimestre\s*|quartal\s*)([1-4])\b|\b([1-4])(?:st|nd|rd|th|er|e|o|º|\.)?\s*(?:quarter|trimestre|quartal)\b|\b(first|second|third|fourth|premier|deuxieme|second|troisieme|quatrieme|primer|segundo|tercer|cuarto|primeiro|terceiro|quarto|erste[ns]?|zweite[ns]?|dritte[ns]?|vierte[ns]?)\s+(?:quarter|trimestre|quartal)\b/;
const ORDINAL_QUARTER: Record<string, number> = { first: 1, premier: 1, primer: 1, primeiro: 1, erste: 1, ersten: 1, erstes: 1, second: 2, deuxieme: 2, segundo: 2, zweite: 2, zweiten: 2, zweites: 2, third: 3, troisieme: 3, tercer: 3, terceiro: 3, dritte: 3, dritten: 3, drittes: 3, fourth: 4, quatrieme: 4, cuarto: 4, quarto: 4, vierte: 4, vierten: 4, viertes: 4 };
const NEXT_QUARTER = /\b(next quarter|following quarter|nachste[nms]? quartal|proximo trimestre|le trimestre prochain|trimestre prochain|el proximo trimestre|no proximo trimestre)\b/;
const NEXT_MONTH = /\b(next month|nachste[nm]? monat|im nachsten monat|el mes que viene|el proximo mes|le mois prochain|mois prochain|no proximo mes|mes que vem|proximo mes)\b/;
const NEXT_WEEK = /\b(next week|nachste woche|la semana que viene|la proxima semana|la semaine prochaine|semaine prochaine|semana que vem|proxima semana)\b/;
const AFTER_EASTER = /\b(after easter|nach ostern|despues de (semana santa|pascua)|apres paques|depois da pascoa|apos a pascoa)\b/;
/** The first working week of the new year: its Monday. */
const NEW_YEAR = /\b(after the holidays|after christmas|after new year|in the new year|en el nuevo ano|en el ano nuevo|no ano novo|au nouvel an|a la nouvelle annee|nach (den feiertagen|neujahr|weihnachten|dem jahreswechsel)|im neuen jahr|despues de (las fiestas|navidad|ano nuevo|reyes)|apres les fetes|apres le nouvel an|depois das festas|depois do ano novo)\b/;
/** Next year as a whole: its first day. */
const NEXT_YEAR = /\b(next year|nachste[ns]? jahr|im nachsten jahr|anfang (des )?nachsten jahres|el ano que viene|el proximo ano|l'annee prochaine|debut d'annee|ano que vem|no proximo ano|proximo ano)\b/;
const AFTER_CARNIVAL = /\b(after carnival|depois do carnaval|apos o carnaval|despues del carnaval|nach (dem )?(karneval|fasching)|apres (le )?carnaval)\b/;
const AFTER_SUMMER = /\b(after the summer|after summer|nach den sommerferien|nach dem sommer|despues del verano|a la rentree|apres l'ete|depois do verao|apos o verao)\b/;
const INCLUSIVE = /^\W{0,3}(inclusive|inclusively|einschliesslich|inklusive|inclus|inclusivement|incluido|inclusive|incluso)\b/;
/** Words that say the date after them is the first day back; looked for among the last five words before it. */
const BACK_WORDS = /^(back|return|returning|returns|reopen|reopens|reopening|wieder|zuruck|ab|retour|partir|regreso|regresare|vuelta|vuelvo|volver|volta|volto|retorno|retorna|retornarei|regresso|reabre|reabrimos|reincorporo)$/;

function saysBack(before: string): boolean {
  // Split, not a regex over the window: hostile mail controls this text, and nested quantifiers backtrack.
  return before
    .split(/[^a-z]+/)
    .filter(Boolean)
    .slice(-5)
    .some((word) => BACK_WORDS.test(word));
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1, a: 1, two: 2, three: 3, four: 4, five: 5, six: 6, couple: 2, few: 3,
  ein: 1, einer: 1, eine: 1, zwei: 2, drei: 3, vier: 4, funf: 5, sechs: 6,
  un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, six_: 6,
  uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6,
  um: 1, uma: 1, dois: 2, duas: 2, quatro_: 4,
};
const RELATIVE = /\b(?:in|within|dans|en|dentro de|daqui a|em|nos proximos|in den nachsten)\s+(\d{1,2}|[a-z]+)\s+(days?|weeks?|months?|tagen?|wochen?|monaten?|jours?|semaines?|mois|dias?|semanas?|meses?)\b/;
const MONTH_NAMES: [number, RegExp][] = [
  [1, /^(january|januar|janvier|enero|janeiro)$/], [2, /^(february|februar|fevrier|febrero|fevereiro)$/], [3, /^(march|marz|mars|marzo|marco)$/], [4, /^(april|avril|abril)$/],
  [5, /^(may|mai|mayo|maio)$/], [6, /^(june|juni|juin|junio|junho)$/], [7, /^(july|juli|juillet|julio|julho)$/], [8, /^(august|aout|agosto)$/],
  [9, /^(september|septembre|septiembre|setembro)$/], [10, /^(october|oktober|octobre|octubre|outubro)$/], [11, /^(november|novembre|noviembre|novembro)$/], [12, /^(december|dezember|decembre|diciembre|dezembro)$/],
];
/** Each month named in the text, as the 1st of its next occurrence, where it is named. English "may" counts only after a preposition. */
function monthsNamed(normal: string, today: Day): Later[] {
  const found: Later[] = [];
  for (const word of normal.matchAll(/(?:(in|early|mid|late|end of|until|after|from) )?\b([a-z]{3,10})\b/g)) {
    const name = word[2]!;
    if (name === 'may' && !word[1]) continue;
    const month = MONTH_NAMES.find(([, pattern]) => pattern.test(name))?.[0];
    if (!month) continue;
    const candidate = { year: today.year, month, day: 1 };
    found.push({ day: dayMs(candidate) > dayMs(today) ? candidate : { ...candidate, year: today.year + 1 }, index: word.index, end: word.index + word[0].length });
  }
  return found;
}

const MID_MONTH = /\b(?:mid[- ]|mitte |mi-|a mediados de |em meados de |meados de |a la mitad de )([a-z]+)\b/;

interface Later {
  day: Day;
  index: number;
  /** Where the words that name it end. */
  end: number;
}

/** Where a pattern first matches, as a candidate. */
function at(normal: string, pattern: RegExp, day: (match: RegExpMatchArray) => Day | null): Later[] {
  const match = normal.match(pattern);
  if (!match || match.index === undefined) return [];
  const found = day(match);
  return found ? [{ day: found, index: match.index, end: match.index + match[0].length }] : [];
}

/** Lead-in phrases that say when to reconnect, each where it is said (chrono would read "next month" as a day). In order of preference when nothing else decides. */
function relativeLater(normal: string, today: Day): Later[] {
  const quarterStart = (year: number, quarter: number): Day => ({ year, month: (quarter - 1) * 3 + 1, day: 1 });
  const upcoming = (candidate: Day): Day => (dayMs(candidate) > dayMs(today) ? candidate : { ...candidate, year: candidate.year + 1 });
  return [
    ...at(normal, NEXT_QUARTER, () => {
      const quarter = Math.floor((today.month - 1) / 3) + 1;
      return quarter === 4 ? quarterStart(today.year + 1, 1) : quarterStart(today.year, quarter + 1);
    }),
    ...at(normal, QUARTER, (quarter) => {
      const q = quarter[3] ? ORDINAL_QUARTER[quarter[3]]! : Number(quarter[1] ?? quarter[2]);
      const candidate = quarterStart(today.year, q);
      return dayMs(candidate) > dayMs(today) ? candidate : quarterStart(today.year + 1, q);
    }),
    ...at(normal, RELATIVE, (relative) => {
      const count = /^\d+$/.test(relative[1]!) ? Number(relative[1]) : (NUMBER_WORDS[relative[1]!] ?? NUMBER_WORDS[`${relative[1]!}_`]);
      if (!count || count > 24) return null;
      const unit = relative[2]!;
      if (/^(day|tag|jour|dia)/.test(unit)) return addDays(today, count);
      if (/^(week|woche|semaine|semana)/.test(unit)) return addDays(today, 7 * count);
      const month = today.month - 1 + count;
      return { year: today.year + Math.floor(month / 12), month: (month % 12) + 1, day: Math.min(today.day, 28) };
    }),
    ...at(normal, MID_MONTH, (mid) => {
      const month = MONTH_NAMES.find(([, pattern]) => pattern.test(mid[1]!))?.[0];
      return month ? upcoming({ year: today.year, month, day: 15 }) : null;
    }),
    ...at(normal, NEXT_MONTH, () => (today.month === 12 ? { year: today.year + 1, month: 1, day: 1 } : { year: today.year, month: today.month + 1, day: 1 })),
    ...at(normal, NEXT_WEEK, () => addDays(today, ((8 - weekday(today)) % 7) || 7)),
    ...at(normal, AFTER_EASTER, () => nextYearly(today, (year) => addDays(easterSunday(year), 2))),
    // Carnival ends on Shrove Tuesday: after it is Ash Wednesday, 46 days before Easter.
    ...at(normal, AFTER_CARNIVAL, () => nextYearly(today, (year) => addDays(easterSunday(year), -46))),
    ...at(normal, AFTER_SUMMER, () => nextYearly(today, (year) => ({ year, month: 9, day: 1 }))),
    ...at(normal, NEW_YEAR, () => {
      const january = { year: today.year + 1, month: 1, day: 1 };
      return addDays(january, (8 - weekday(january)) % 7);
    }),
    ...at(normal, NEXT_YEAR, () => ({ year: today.year + 1, month: 1, day: 1 })),
  ];
}

/** Words that ask to be contacted again: the period named nearest to them is the one meant ("busy until mid-December, reach out again in February"). */
const RECONNECT_CUE = /\b(again|reach out|get in touch|try (me|us)|follow up|ping|circle back|touch base|reconnect|revisit|wieder|melden|erneut|noch ?(ein)?mal|recontact\w*|revenez|relance[rz]?|reprendre contact|rappel\w*|reviens|volver|vuelva\w*|escrib\w*|contact\w*|retom\w*|voltar|volte|falar|procur\w*|kontakt\w*)\b/g;

/**
 * A calendar day (YYYY-MM-DD) in the sender's words: for an absence, the first day back; for
 * "later", the day to reconnect (a month alone is its first day).
 */
/** What chrono reads: the first 2,000 characters with runs of punctuation and spaces collapsed (hostile mail makes chrono slow on them). */
function sampleOf(text: string): string {
  return text
    .slice(0, 4_000)
    .replace(/([^\p{L}\p{N}\s])\1{2,}/gu, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    // "à 13 h 30" (French typography) as chrono reads it: "13h30".
    .replace(/\b(\d{1,2}) h ?(\d{2})\b/g, '$1h$2')
    .slice(0, 2_000);
}

export function extractDate(text: string, reference: Reference, language: Language, kind: 'return' | 'later'): string | null {
  const sample = sampleOf(text);
  const normal = normalise(sample);
  const today = localDay(reference);
  const found = chronoDates(sample, language, reference).filter((entry) => dayMs(entry.end ?? entry.day) >= dayMs(today));
  if (kind === 'later') {
    const flat = normal.replace(/[\r\n]/g, ' ');
    // In order of preference: the phrases above, a named day, a month named (the last: a reply says
    // what is in the way first and when to come back after), a month chrono read.
    const candidates: Later[] = [
      ...relativeLater(flat, today),
      ...found.filter((entry) => entry.dayCertain && dayMs(entry.day) > dayMs(today)).map((entry) => ({ day: entry.day, index: entry.index, end: entry.index + entry.text.length })),
      ...monthsNamed(flat, today).reverse(),
      ...found.filter((entry) => entry.monthCertain && dayMs(entry.day) > dayMs(today)).map((entry) => ({ day: entry.dayCertain ? entry.day : { ...entry.day, day: 1 }, index: entry.index, end: entry.index + entry.text.length })),
    ];
    if (candidates.length === 0) return null;
    // The period said in a sentence that asks to be contacted again, nearest to those words; else the first by preference.
    const cues = [...flat.matchAll(RECONNECT_CUE)].map((match) => ({ start: match.index, end: match.index + match[0].length }));
    const sentenceOf = (index: number) => flat.slice(0, index).split(/(?<!\b\d{1,2})[.!?;]\s/).length;
    const distance = (entry: Later) =>
      Math.min(...cues.filter((cue) => sentenceOf(cue.start) === sentenceOf(entry.index)).map((cue) => (cue.end <= entry.index ? entry.index - cue.end : Math.max(0, cue.start - entry.end))));
    const cued = candidates.filter((entry) => Number.isFinite(distance(entry)));
    if (cued.length === 0) return formatDay(candidates[0]!.day);
    // The first of the nearest wins, so the order of preference breaks ties.
    const nearest = cued.reduce((best, entry) => (distance(entry) < distance(best) ? entry : best));
    return formatDay(nearest.day);
  }
  const days = found
    .filter((entry) => entry.dayCertain || entry.end)
    .map((entry) => {
      const last = entry.end ?? entry.day;
      const after = normalise(sample.slice(entry.index + entry.text.length, entry.index + entry.text.length + 30));
      const before = normalise(sample.slice(Math.max(0, entry.index - 60), entry.index));
      const inclusive = INCLUSIVE.test(after) || /einschliesslich\W*$|inklusive\W*$/.test(before);
      // "Back on the 7th" names the first day back; "until the 4th inclusive" the last day away.
      return { day: inclusive ? addDays(last, 1) : last, back: saysBack(before) };
    });
  if (days.length === 0) {
    if (/\b(tomorrow|morgen|manana|demain|amanha)\b/.test(normal)) return formatDay(addDays(today, 1));
    return null;
  }
  const backDays = days.filter((entry) => entry.back);
  const pool = backDays.length > 0 ? backDays : days;
  const latest = pool.reduce((best, entry) => (dayMs(entry.day) > dayMs(best.day) ? entry : best));
  return formatDay(latest.day);
}

export interface MeetingTime {
  /** "Thursday 14:00", as the handback note and the widget show it. */
  label: string;
  /** YYYY-MM-DD HH:MM in the sender's own time. */
  at: string;
  /** Minutes east of UTC of the sender's clock, when the Date header said. */
  offsetMinutes: number | null;
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (value: number) => String(value).padStart(2, '0');

/** The first proposed day and time in the sender's words ("next Tuesday at 10:30"). */
export function extractMeeting(text: string, reference: Reference, language: Language): MeetingTime | null {
  const today = localDay(reference);
  const candidates = chronoDates(sampleOf(text), language, reference).filter((entry) => entry.hour !== null && entry.dayCertain && dayMs(entry.day) >= dayMs(today));
  const first = candidates[0];
  if (!first || first.hour === null) return null;
  const time = `${pad(first.hour)}:${pad(first.minute)}`;
  const date = formatDay(first.day);
  return { label: `${WEEKDAY_NAMES[weekday(first.day)]} ${time}`, at: `${date} ${time}`, offsetMinutes: reference.offsetMinutes };
}
