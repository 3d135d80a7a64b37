import type { Language } from './reply-text.js';

/**
 * Dates in replies: a return date in an absence notice, "try me in January" in a human answer.
 * Works on normalised text (lower case, accents folded) and answers a calendar day, YYYY-MM-DD,
 * read against the reply's own Date header (a month with no year is the next such month).
 */

const MONTHS: [number, RegExp][] = [
  [1, /^(january|jan|enero|ene|janvier|janv|januar|jan|janeiro)$/],
  [2, /^(february|feb|febrero|fevrier|fevr|fev|februar|fevereiro)$/],
  [3, /^(march|mar|marzo|mars|marz|maerz|marco)$/],
  [4, /^(april|apr|abril|abr|avril|avr)$/],
  [5, /^(may|mayo|mai|maio)$/],
  [6, /^(june|jun|junio|juin|juni|junho)$/],
  [7, /^(july|jul|julio|juillet|juil|juli|julho)$/],
  [8, /^(august|aug|agosto|ago|aout|aou)$/],
  [9, /^(september|sept|sep|septiembre|setiembre|septembre|setembro|set)$/],
  [10, /^(october|oct|octubre|octobre|oktober|okt|outubro|out)$/],
  [11, /^(november|nov|noviembre|novembre|novembro)$/],
  [12, /^(december|dec|diciembre|dic|decembre|dezember|dez|dezembro)$/],
];

const MONTH_WORD =
  '(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|ene|dic|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|janv|fevr|juil|januar|februar|marz|maerz|juni|juli|oktober|dezember|okt|dez|janeiro|fevereiro|marco|maio|junho|julho|setembro|outubro|novembro|dezembro)';

const WEEKDAYS: [number, RegExp][] = [
  [0, /^(sunday|domingo|dimanche|sonntag)$/],
  [1, /^(monday|lunes|lundi|montag|segunda(-feira)?)$/],
  [2, /^(tuesday|martes|mardi|dienstag|terca(-feira)?)$/],
  [3, /^(wednesday|miercoles|mercredi|mittwoch|quarta(-feira)?)$/],
  [4, /^(thursday|jueves|jeudi|donnerstag|quinta(-feira)?)$/],
  [5, /^(friday|viernes|vendredi|freitag|sexta(-feira)?)$/],
  [6, /^(saturday|sabado|samedi|samstag)$/],
];
const WEEKDAY_WORD = '(sunday|monday|tuesday|wednesday|thursday|friday|saturday|domingo|lunes|martes|miercoles|jueves|viernes|sabado|dimanche|lundi|mardi|mercredi|jeudi|vendredi|samedi|sonntag|montag|dienstag|mittwoch|donnerstag|freitag|samstag|segunda-feira|terca-feira|quarta-feira|quinta-feira|sexta-feira|segunda|terca|quarta|quinta|sexta)';

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, six: 6, a: 1, couple: 2, few: 3,
  un: 1, una: 1, dos: 2, tres: 3, cuatro: 4, seis: 6,
  une: 1, deux: 2, trois: 3, quatre: 4,
  ein: 1, einer: 1, zwei: 2, drei: 3, vier: 4, sechs: 6,
  um: 1, uma: 1, duas: 2, quatro_: 4,
};

export interface Day {
  year: number;
  month: number;
  day: number;
}

export function formatDay(day: Day): string {
  return `${String(day.year).padStart(4, '0')}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
}

function dayOf(date: Date): Day {
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function addDays(base: Day, days: number): Day {
  return dayOf(new Date(Date.UTC(base.year, base.month - 1, base.day + days)));
}

function valid(day: Day): boolean {
  const date = new Date(Date.UTC(day.year, day.month - 1, day.day));
  return date.getUTCMonth() === day.month - 1 && date.getUTCDate() === day.day;
}

function monthNumber(word: string): number | null {
  const clean = word.replace(/\.$/, '');
  return MONTHS.find(([, pattern]) => pattern.test(clean))?.[0] ?? null;
}

/** A day and month with no year: the next time it comes (allowing a few days back, for "until the 16th" sent on the 17th). */
function nextOccurrence(month: number, day: number, reference: Day): Day {
  for (const year of [reference.year, reference.year + 1]) {
    const candidate = { year, month, day };
    if (!valid(candidate)) continue;
    if (Date.UTC(year, month - 1, day) >= Date.UTC(reference.year, reference.month - 1, reference.day) - 7 * 86_400_000) return candidate;
  }
  return { year: reference.year + 1, month, day };
}

function withYear(month: number, day: number, year: string | undefined, reference: Day): Day | null {
  if (!year) {
    const next = nextOccurrence(month, day, reference);
    return valid(next) ? next : null;
  }
  const full = year.length === 2 ? 2000 + Number(year) : Number(year);
  const candidate = { year: full, month, day };
  return valid(candidate) ? candidate : null;
}

interface Found {
  index: number;
  day: Day;
}

/** Every absolute date in the text, with where it starts. */
function absoluteDates(text: string, reference: Day, language: Language): Found[] {
  const found: Found[] = [];
  const push = (index: number, day: Day | null) => {
    if (day) found.push({ index, day });
  };
  // 7 December 2026, 7th of December, 7. Dezember, 7 de diciembre de 2026, le 7 décembre
  for (const match of text.matchAll(new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th|er|º|o)?\\.?\\s*(?:of\\s+|de\\s+)?${MONTH_WORD}\\.?(?:,?\\s*(?:de\\s+)?(\\d{4}))?`, 'g'))) {
    const month = monthNumber(match[2]!);
    if (month) push(match.index, withYear(month, Number(match[1]), match[3], reference));
  }
  // December 7, December 7th 2026, Dec. 7
  for (const match of text.matchAll(new RegExp(`\\b${MONTH_WORD}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s*(\\d{4}))?`, 'g'))) {
    const month = monthNumber(match[1]!);
    if (month) push(match.index, withYear(month, Number(match[2]), match[3], reference));
  }
  // 2026-12-07
  for (const match of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) push(match.index, withYear(Number(match[2]), Number(match[3]), match[1], reference));
  // 07.12.2026 / 7.12. (day first), 12/07/2026 (month first in English, day first elsewhere)
  for (const match of text.matchAll(/\b(\d{1,2})\.(\d{1,2})\.(\d{2,4})?(?!\d)/g)) {
    push(match.index, withYear(Number(match[2]), Number(match[1]), match[3], reference));
  }
  for (const match of text.matchAll(/\b(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?\b/g)) {
    const [first, second] = [Number(match[1]), Number(match[2])];
    const monthFirst = language === 'en' ? first <= 12 : second > 12 && first <= 12;
    push(match.index, monthFirst ? withYear(first, second, match[3], reference) : withYear(second, first, match[3], reference));
  }
  return found;
}

function startOfMonth(month: number, reference: Day): Day {
  const year = month > reference.month || (month === reference.month && reference.day === 1) ? reference.year : reference.year + 1;
  return { year, month, day: 1 };
}

function nextWeekday(weekday: number, reference: Day): Day {
  const current = new Date(Date.UTC(reference.year, reference.month - 1, reference.day)).getUTCDay();
  const ahead = (weekday - current + 7) % 7 || 7;
  return addDays(reference, ahead);
}

/** Relative expressions: next month, in two weeks, in January, Q1, next year, next week, Monday. */
function relativeDates(text: string, reference: Day): Found[] {
  const found: Found[] = [];
  const rules: [RegExp, (match: RegExpMatchArray) => Day | null][] = [
    [/\b(next|coming) month|\bel (proximo|siguiente) mes|\bel mes que viene|\ble mois prochain|\bmois prochain|\bnachste[nm]? monat|\bim nachsten monat|\bno proximo mes|\bproximo mes|\bmes que vem/, () => (reference.month === 12 ? { year: reference.year + 1, month: 1, day: 1 } : { year: reference.year, month: reference.month + 1, day: 1 })],
    [/\b(next|coming) year|\bel (proximo|siguiente) ano|\bel ano que viene|\bl'annee prochaine|\bl'an prochain|\bnachstes jahr|\bim nachsten jahr|\bno proximo ano|\bproximo ano|\bano que vem|\bin the new year|\bafter the new year|\bnuevo ano|\bnouvelle annee|\bneuen jahr/, () => ({ year: reference.year + 1, month: 1, day: 1 })],
    [/\b(next|coming) quarter|\bel (proximo|siguiente) trimestre|\ble (prochain )?trimestre prochain|\bprochain trimestre|\bnachste[nm]? quartal|\bproximo trimestre/, () => {
      const quarterStart = Math.floor((reference.month - 1) / 3) * 3 + 4;
      return quarterStart > 12 ? { year: reference.year + 1, month: 1, day: 1 } : { year: reference.year, month: quarterStart, day: 1 };
    }],
    [/\bq([1-4])\b|\b(first|second|third|fourth|primer|segundo|tercer|cuarto|premier|deuxieme|troisieme|quatrieme|ersten|zweiten|dritten|vierten|primeiro|terceiro|quarto) (quarter|trimestre|quartal)/, (match) => {
      const names: Record<string, number> = { first: 1, primer: 1, premier: 1, ersten: 1, primeiro: 1, second: 2, segundo: 2, deuxieme: 2, zweiten: 2, third: 3, tercer: 3, troisieme: 3, dritten: 3, terceiro: 3, fourth: 4, cuarto: 4, quatrieme: 4, vierten: 4, quarto: 4 };
      const quarter = match[1] ? Number(match[1]) : (names[match[2]!] ?? 1);
      return startOfMonth((quarter - 1) * 3 + 1, reference);
    }],
    [/\b(?:in|within|en|dans|em|in den nachsten)\s+(\d+|one|two|three|four|six|a couple of|a few|un|una|dos|tres|cuatro|seis|une|deux|trois|quatre|zwei|drei|vier|sechs|uma|duas)\s+(weeks?|semanas?|semaines?|wochen?)\b/, (match) => {
      const raw = match[1]!.replace(/^a (couple|few) of$/, '$1');
      const count = /^\d+$/.test(raw) ? Number(raw) : (NUMBER_WORDS[raw] ?? 2);
      return addDays(reference, count * 7);
    }],
    [/\b(?:in|within|en|dans|em)\s+(\d+|one|two|three|four|six|a couple of|a few|un|dos|tres|cuatro|seis|deux|trois|quatre|zwei|drei|vier|sechs|um|dois|tres)\s+(months?|mes(es)?|mois|monaten?|meses)\b/, (match) => {
      const raw = match[1]!.replace(/^a (couple|few) of$/, '$1');
      const count = /^\d+$/.test(raw) ? Number(raw) : (NUMBER_WORDS[raw] ?? (raw === 'dois' ? 2 : 2));
      const month = reference.month - 1 + count;
      return { year: reference.year + Math.floor(month / 12), month: (month % 12) + 1, day: 1 };
    }],
    [/\b(next|coming) week|\bla (proxima|siguiente) semana|\bla semaine prochaine|\bsemaine prochaine|\bnachste woche|\bin der nachsten woche|\bna proxima semana|\bproxima semana|\bsemana que vem/, () => nextWeekday(1, reference)],
    [new RegExp(`\\b(?:in|en|im|em|au mois de|a partir de|ab|after|from|early|late|mid|end of|beginning of|start of|inicio de|principios de|debut|fin|anfang|ende|mitte|no inicio de)\\s+(?:de\\s+|d')?${MONTH_WORD}\\b(?!\\s*\\d)`), (match) => {
      const month = monthNumber(match[1]!);
      return month ? startOfMonth(month, reference) : null;
    }],
    [/\btomorrow|\bmanana\b|\bdemain\b|\bmorgen\b|\bamanha\b/, () => addDays(reference, 1)],
    [new RegExp(`\\b(?:on|el|le|am|na|no|next|this|coming|ce|este|diesen|kommenden|proximo|proxima)?\\s*${WEEKDAY_WORD}\\b`), (match) => {
      const weekday = WEEKDAYS.find(([, pattern]) => pattern.test(match[1]!))?.[0];
      return weekday === undefined ? null : nextWeekday(weekday, reference);
    }],
  ];
  for (const [pattern, toDay] of rules) {
    const match = text.match(pattern);
    if (match?.index !== undefined) {
      const day = toDay(match);
      if (day && valid(day)) found.push({ index: match.index, day });
    }
  }
  return found;
}

/** Words that introduce the day someone is back ("back on", "wieder ab", "de retour le"), strongest first. */
const BACK_CUE = /\b(back|return|returning|returns|resume|reachable again|regreso|regresare|vuelvo|volvere|de vuelta|retour|reviens|reprendrai|zuruck|wieder|ab dem|volto|voltarei|retorno|regresso|a partir)\b/g;
/** Words that close the absence ("until", "bis", "hasta", "jusqu'au", "até"). */
const UNTIL_CUE = /\b(until|till|through|thru|hasta|jusqu'au|jusqu'a|jusqu|bis|ate)\b/g;

/**
 * The date that matters in a reply: for an absence, the first date after a return cue (else the
 * first date); for "later", the first date or period named. Null when none is found.
 */
export function extractDate(text: string, sent: Date, language: Language, kind: 'return' | 'later'): string | null {
  const reference = dayOf(sent);
  const absolute = absoluteDates(text, reference, language);
  const relative = relativeDates(text, reference);
  const all = [...absolute, ...relative].sort((a, b) => a.index - b.index);
  if (all.length === 0) return null;
  if (kind === 'return') {
    // The return date is the last date of the absence span: "from 20 Nov until 3 Dec" means 3 Dec.
    // One pass per cue list: cues and dates both in text order, a pointer into the dates.
    const dates = [...absolute].sort((a, b) => a.index - b.index);
    for (const cues of [BACK_CUE, UNTIL_CUE]) {
      let next = 0;
      for (const cue of text.matchAll(cues)) {
        while (next < dates.length && dates[next]!.index < cue.index!) next += 1;
        if (next < dates.length && dates[next]!.index - cue.index! < 60) return formatDay(dates[next]!.day);
      }
    }
    const future = absolute.filter((found) => Date.UTC(found.day.year, found.day.month - 1, found.day.day) >= Date.UTC(reference.year, reference.month - 1, reference.day));
    const latest = future.sort((a, b) => Date.UTC(b.day.year, b.day.month - 1, b.day.day) - Date.UTC(a.day.year, a.day.month - 1, a.day.day))[0];
    if (latest) return formatDay(latest.day);
    return formatDay((absolute.sort((a, b) => a.index - b.index)[0] ?? all[0])!.day);
  }
  return formatDay((absolute.sort((a, b) => a.index - b.index)[0] ?? all[0])!.day);
}
