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
  // The sender's language first, then English: short replies are often misjudged, and English dates turn up everywhere.
  const parsed = parserFor(language, reference).parse(text, ref, { forwardDate: true });
  if (language !== 'en') {
    const english = parserFor('en', reference).parse(text, ref, { forwardDate: true });
    // Where both read the same words, the longer reading wins ("Tuesday at 11am" over "11am").
    for (const candidate of english) {
      const overlapping = parsed.filter((found) => candidate.index < found.index + found.text.length && found.index < candidate.index + candidate.text.length);
      if (overlapping.every((found) => found.text.length < candidate.text.length)) {
        for (const found of overlapping) parsed.splice(parsed.indexOf(found), 1);
        parsed.push(candidate);
      }
    }
    parsed.sort((a, b) => a.index - b.index);
  }
  for (const result of parsed) {
    const start = result.start;
    const day: Day = { year: start.get('year') ?? today.year, month: start.get('month') ?? 1, day: start.get('day') ?? 1 };
    const dayCertain = start.isCertain('day') || start.isCertain('weekday');
    let hour = start.isCertain('hour') ? (start.get('hour') ?? null) : null;
    let minute = start.isCertain('minute') ? (start.get('minute') ?? 0) : 0;
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
    results.push({ day: resolved, dayCertain, hour, minute, index: result.index, text: result.text, end });
  }
  return results;
}

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

const QUARTER = /\b(?:q|quarter\s*|trimestre\s*|quartal\s*)([1-4])\b|\b([1-4])(?:st|nd|rd|th|er|e|o|º|\.)?\s*(?:quarter|trimestre|quartal)\b/;
const NEXT_QUARTER = /\b(next quarter|following quarter|nachste[nms]? quartal|proximo trimestre|le trimestre prochain|trimestre prochain|el proximo trimestre|no proximo trimestre)\b/;
const NEXT_MONTH = /\b(next month|nachste[nm]? monat|im nachsten monat|el mes que viene|el proximo mes|le mois prochain|mois prochain|no proximo mes|mes que vem|proximo mes)\b/;
const NEXT_WEEK = /\b(next week|nachste woche|la semana que viene|la proxima semana|la semaine prochaine|semaine prochaine|semana que vem|proxima semana)\b/;
const AFTER_EASTER = /\b(after easter|nach ostern|despues de (semana santa|pascua)|apres paques|depois da pascoa|apos a pascoa)\b/;
const NEW_YEAR = /\b(after the holidays|after christmas|after new year|in the new year|new year|nach (den feiertagen|neujahr|weihnachten|dem jahreswechsel)|im neuen jahr|anfang (des )?nachsten jahres|despues de (las fiestas|navidad|ano nuevo|reyes)|el ano que viene|apres les fetes|apres le nouvel an|debut d'annee|l'annee prochaine|depois das festas|depois do ano novo|ano que vem|no proximo ano|next year)\b/;
const AFTER_SUMMER = /\b(after the summer|after summer|nach den sommerferien|nach dem sommer|despues del verano|a la rentree|apres l'ete|depois do verao|apos o verao)\b/;
const INCLUSIVE = /^\W{0,3}(inclusive|inclusively|einschliesslich|inklusive|inclus|inclusivement|incluido|inclusive|incluso)\b/;
const BACK_WORD = /(back|return|returning|reopen|wieder|zuruck|ab dem|ab|retour|partir du|regres|vuelta|volver|a partir del|a partir de|volta|retorno|retorn|regresso|de volta|reabr)\W{0,12}(\S+\W{0,3}){0,4}$/;

/** Lead-in phrases that say when to reconnect; ordered before chrono, which would read "next month" as a day. */
function relativeLater(normal: string, today: Day): Day | null {
  const quarterStart = (year: number, quarter: number): Day => ({ year, month: (quarter - 1) * 3 + 1, day: 1 });
  if (NEXT_QUARTER.test(normal)) {
    const quarter = Math.floor((today.month - 1) / 3) + 1;
    return quarter === 4 ? quarterStart(today.year + 1, 1) : quarterStart(today.year, quarter + 1);
  }
  const quarter = normal.match(QUARTER);
  if (quarter) {
    const q = Number(quarter[1] ?? quarter[2]);
    const candidate = quarterStart(today.year, q);
    return dayMs(candidate) > dayMs(today) ? candidate : quarterStart(today.year + 1, q);
  }
  if (NEXT_MONTH.test(normal)) return today.month === 12 ? { year: today.year + 1, month: 1, day: 1 } : { year: today.year, month: today.month + 1, day: 1 };
  if (NEXT_WEEK.test(normal)) return addDays(today, ((8 - weekday(today)) % 7) || 7);
  if (AFTER_EASTER.test(normal)) return nextYearly(today, (year) => addDays(easterSunday(year), 2));
  if (AFTER_SUMMER.test(normal)) return nextYearly(today, (year) => ({ year, month: 9, day: 1 }));
  if (NEW_YEAR.test(normal)) {
    const next = today.year + 1;
    const january = { year: next, month: 1, day: 1 };
    // "After the holidays" is the first working week: its Monday. "Next year" is the year's first day.
    return /holidays|christmas|feiertagen|weihnachten|fiestas|navidad|reyes|fetes|festas|jahreswechsel/.test(normal.match(NEW_YEAR)![0]) ? addDays(january, (8 - weekday(january)) % 7) : january;
  }
  return null;
}

/**
 * A calendar day (YYYY-MM-DD) in the sender's words: for an absence, the first day back; for
 * "later", the day to reconnect (a month alone is its first day).
 */
export function extractDate(text: string, reference: Reference, language: Language, kind: 'return' | 'later'): string | null {
  const sample = text.slice(0, 5_000);
  const normal = normalise(sample);
  const today = localDay(reference);
  const found = chronoDates(sample, language, reference).filter((entry) => dayMs(entry.end ?? entry.day) >= dayMs(today));
  if (kind === 'later') {
    const relative = relativeLater(normal, today);
    if (relative) return formatDay(relative);
    const first = found.find((entry) => dayMs(entry.day) > dayMs(today));
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
      return { day: inclusive ? addDays(last, 1) : last, back: BACK_WORD.test(before) };
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
  const candidates = chronoDates(text.slice(0, 5_000), language, reference).filter((entry) => entry.hour !== null && entry.dayCertain && dayMs(entry.day) >= dayMs(today));
  const first = candidates[0];
  if (!first || first.hour === null) return null;
  const time = `${pad(first.hour)}:${pad(first.minute)}`;
  const date = formatDay(first.day);
  return { label: `${WEEKDAY_NAMES[weekday(first.day)]} ${time}`, at: `${date} ${time}`, offsetMinutes: reference.offsetMinutes };
}
