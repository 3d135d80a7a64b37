import type { Assistant } from '../db/assistants.js';
import type { Lead } from '../db/leads.js';

/** When an assistant may send: its business hours, off days and time zone, and its daily cap. */

export const DAY_MS = 24 * 60 * 60 * 1000;

type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: Weekday;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let existing = formatters.get(timeZone);
  if (!existing) {
    existing = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formatters.set(timeZone, existing);
  }
  return existing;
}

export function localTime(at: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(at)).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: String(parts.weekday).slice(0, 3).toLowerCase() as LocalTime['weekday'],
  };
}

/** The instant a wall-clock time in `timeZone` names (two passes settle daylight-saving offsets). */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  let guess = Date.UTC(year, month - 1, day, hour, minute);
  for (let pass = 0; pass < 2; pass += 1) {
    const local = localTime(guess, timeZone);
    const shown = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
    guess += Date.UTC(year, month - 1, day, hour, minute) - shown;
  }
  return guess;
}

export function localDay(at: number, timeZone: string): string {
  const local = localTime(at, timeZone);
  return `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
}

function minutes(clock: string): number {
  const [hours, mins] = clock.split(':').map(Number);
  return hours! * 60 + mins!;
}

/** A lead's sending window: the assistant's hours and off days, in the lead's own time zone when the record tells it. */
export function windowFor(assistant: Pick<Assistant, 'time_zone' | 'business_hours' | 'off_days'>, lead: Partial<Pick<Lead, 'time_zone'>>): Pick<Assistant, 'time_zone' | 'business_hours' | 'off_days'> {
  return { time_zone: lead.time_zone ?? assistant.time_zone, business_hours: assistant.business_hours, off_days: assistant.off_days };
}

/**
 * The earliest instant at or after `at` inside the window's business hours on a working day,
 * where `isFull(day)` says whether that day's send cap is already reached; the cap's days are
 * counted in `capZone` (the assistant's), which may differ from the window's (the lead's).
 */
export function nextSendTime(
  at: number,
  assistant: Pick<Assistant, 'time_zone' | 'business_hours' | 'off_days'>,
  isFull: (localDay: string) => boolean = () => false,
  capZone: string = assistant.time_zone,
): number {
  const start = minutes(assistant.business_hours.start);
  const end = minutes(assistant.business_hours.end);
  let candidate = at;
  for (let guard = 0; guard < 370; guard += 1) {
    const local = localTime(candidate, assistant.time_zone);
    const now = local.hour * 60 + local.minute;
    const offDay = assistant.off_days.includes(local.weekday as never);
    const day = localDay(candidate, capZone);
    if (!offDay && now < end && !isFull(day)) {
      if (now >= start) return candidate;
      return zonedToUtc(local.year, local.month, local.day, Math.floor(start / 60), start % 60, assistant.time_zone);
    }
    // Next day's opening time.
    const next = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
    candidate = zonedToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), Math.floor(start / 60), start % 60, assistant.time_zone);
  }
  throw new Error('no send time within a year: check the business hours and off days');
}
