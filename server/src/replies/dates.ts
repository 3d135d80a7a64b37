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

const LOOSE_TIME = /^[\s,]*(?:at|à|a las|as|às|um|ab|a partir das|vers|gegen|alle)?\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(h|hs|hrs|uhr|horas|heures)\b/i;

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
    const start = result.start;
    let day: Day = { year: start.get('year') ?? today.year, month: start.get('month') ?? 1, day: start.get('day') ?? 1 };
    let dayCertain = start.isCertain('day') || start.isCertain('weekday');
    let hour = start.isCertain('hour') ? (start.get('hour') ?? null) : null;
    let minute = start.isCertain('minute') ? (start.get('minute') ?? 0) : 0;
    // "Dienstag, 17.11." is the 17th of November, not 17:11: day-first languages write dates with dots.
    const dotted = /(\d{1,2})\.(\d{1,2})\.?$/.exec(result.text);
    if (dotted && hour !== null && Number(dotted[1]) === hour && Number(dotted[2]) === minute && Number(dotted[2]) >= 1 && Number(dotted[2]) <= 12 && Number(dotted[1]) <= 31) {
      const candidate = { year: today.year, month: Number(dotted[2]), day: Number(dotted[1]) };
      day = dayMs(candidate) >= dayMs(today) ? candidate : { ...candidate, year: today.year + 1 };
      dayCertain = true;
      hour = null;
      minute = 0;
    }
    if (hour === null) {
      // "quinta às 15h30", "Donnerstag 14 Uhr": a time chrono left unread right after the day.
      const loose = text.slice(result.index + result.text.length, result.index + result.text.length + 30).match(LOOSE_TIME);
      if (loose && Number(loose[1]) <= 23) {
        hour = Number(loose[1]);
        minute = loose[2] ? Number(loose[2]) : 0;
      }
    }
    let resolved = day;
    // A weekday alone, said on that weekday, is next week's ("Thursday?" written on a Thursday).
    if (!start.isCertain('day') && start.isCertain('weekday') && dayMs(resolved) <= dayMs(today)) resolved = addDays(resolved, 7);
    const end = result.end ? { year: result.end.get('year') ?? day.year, month: result.end.get('month') ?? day.month, day: result.end.get('day') ?? day.day } : null;
    // Nobody means a date more than two years away in a reply; such a reading is a misparse.
    if (dayMs(resolved) > dayMs(today) + 730 * 86_400_000) continue;
    results.push({ day: resolved, dayCertain, monthCertain: start.isCertain('month'), hour, minute, index: result.index, text: result.text, end });
  }
  // "el martes 24 a las 14:30": chrono may read the day and the time as two results; a day without a
  // time followed closely by a time without a day is one moment.
  for (let index = 0; index + 1 < results.length; index += 1) {
    const day = results[index]!;
    const time = results[index + 1]!;
    const gap = time.index - (day.index + day.text.length);
    if (day.dayCertain && day.hour === null && time.hour !== null && gap >= 0 && gap <= 20) {
      results.splice(index, 2, { ...day, hour: time.hour, minute: time.minute, text: text.slice(day.index, time.index + time.text.length) });
    }
  }
  return results;
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
/** The first month named in the text, as the 1st of its next occurrence. English "may" counts only after a preposition. */
function monthNamed(normal: string, today: Day): Day | null {
  // The month named last: a reply says what is in the way first ("December is full") and when to come back after.
  let found: Day | null = null;
  for (const word of normal.matchAll(/(?:(in|early|mid|late|end of|until|after|from) )?\b([a-z]{3,10})\b/g)) {
    const name = word[2]!;
    if (name === 'may' && !word[1]) continue;
    const month = MONTH_NAMES.find(([, pattern]) => pattern.test(name))?.[0];
    if (!month) continue;
    const candidate = { year: today.year, month, day: 1 };
    found = dayMs(candidate) > dayMs(today) ? candidate : { ...candidate, year: today.year + 1 };
  }
  return found;
}

const MID_MONTH = /\b(?:mid[- ]|mitte |mi-|a mediados de |em meados de |meados de |a la mitad de )([a-z]+)\b/;

/** Lead-in phrases that say when to reconnect; ordered before chrono, which would read "next month" as a day. */
function relativeLater(normal: string, today: Day): Day | null {
  const quarterStart = (year: number, quarter: number): Day => ({ year, month: (quarter - 1) * 3 + 1, day: 1 });
  if (NEXT_QUARTER.test(normal)) {
    const quarter = Math.floor((today.month - 1) / 3) + 1;
    return quarter === 4 ? quarterStart(today.year + 1, 1) : quarterStart(today.year, quarter + 1);
  }
  const quarter = normal.match(QUARTER);
  if (quarter) {
    const q = quarter[3] ? ORDINAL_QUARTER[quarter[3]]! : Number(quarter[1] ?? quarter[2]);
    const candidate = quarterStart(today.year, q);
    return dayMs(candidate) > dayMs(today) ? candidate : quarterStart(today.year + 1, q);
  }
  const relative = normal.match(RELATIVE);
  if (relative) {
    const count = /^\d+$/.test(relative[1]!) ? Number(relative[1]) : (NUMBER_WORDS[relative[1]!] ?? NUMBER_WORDS[`${relative[1]!}_`]);
    if (count && count <= 24) {
      const unit = relative[2]!;
      if (/^(day|tag|jour|dia)/.test(unit)) return addDays(today, count);
      if (/^(week|woche|semaine|semana)/.test(unit)) return addDays(today, 7 * count);
      const month = today.month - 1 + count;
      return { year: today.year + Math.floor(month / 12), month: (month % 12) + 1, day: Math.min(today.day, 28) };
    }
  }
  const mid = normal.match(MID_MONTH);
  const midMonth = mid ? MONTH_NAMES.find(([, pattern]) => pattern.test(mid[1]!))?.[0] : undefined;
  if (midMonth) {
    const candidate = { year: today.year, month: midMonth, day: 15 };
    return dayMs(candidate) > dayMs(today) ? candidate : { ...candidate, year: today.year + 1 };
  }
  if (NEXT_MONTH.test(normal)) return today.month === 12 ? { year: today.year + 1, month: 1, day: 1 } : { year: today.year, month: today.month + 1, day: 1 };
  if (NEXT_WEEK.test(normal)) return addDays(today, ((8 - weekday(today)) % 7) || 7);
  if (AFTER_EASTER.test(normal)) return nextYearly(today, (year) => addDays(easterSunday(year), 2));
  // Carnival ends on Shrove Tuesday: after it is Ash Wednesday, 46 days before Easter.
  if (AFTER_CARNIVAL.test(normal)) return nextYearly(today, (year) => addDays(easterSunday(year), -46));
  if (AFTER_SUMMER.test(normal)) return nextYearly(today, (year) => ({ year, month: 9, day: 1 }));
  if (NEW_YEAR.test(normal)) {
    const january = { year: today.year + 1, month: 1, day: 1 };
    return addDays(january, (8 - weekday(january)) % 7);
  }
  if (NEXT_YEAR.test(normal)) return { year: today.year + 1, month: 1, day: 1 };
  return null;
}

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
    .slice(0, 2_000);
}

export function extractDate(text: string, reference: Reference, language: Language, kind: 'return' | 'later'): string | null {
  const sample = sampleOf(text);
  const normal = normalise(sample);
  const today = localDay(reference);
  const found = chronoDates(sample, language, reference).filter((entry) => dayMs(entry.end ?? entry.day) >= dayMs(today));
  if (kind === 'later') {
    const relative = relativeLater(normal, today);
    if (relative) return formatDay(relative);
    const dated = found.find((entry) => entry.dayCertain && dayMs(entry.day) > dayMs(today));
    if (dated) return formatDay(dated.day);
    // A month alone ("Recontactez-moi en janvier", "im März", "em janeiro"): chrono reads few of them outside English.
    const month = monthNamed(normal, today);
    if (month) return formatDay(month);
    const first = found.find((entry) => entry.monthCertain && dayMs(entry.day) > dayMs(today));
    if (!first) return null;
    return formatDay(first.dayCertain ? first.day : { ...first.day, day: 1 });
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
