import { foldName as fold } from './languages.js';

/**
 * The time zone a lead reads email in, from their Zoho record: a time-zone field when the org has
 * one (an IANA name such as Europe/Berlin), else the country when it has one zone for most of its
 * people; null otherwise (the United States, Canada, Australia, Russia…), and the assistant's zone
 * decides.
 */
const COUNTRY_ZONES: Record<string, string> = {
  de: 'Europe/Berlin', germany: 'Europe/Berlin', deutschland: 'Europe/Berlin',
  at: 'Europe/Vienna', austria: 'Europe/Vienna', osterreich: 'Europe/Vienna',
  ch: 'Europe/Zurich', switzerland: 'Europe/Zurich', schweiz: 'Europe/Zurich', suisse: 'Europe/Zurich',
  fr: 'Europe/Paris', france: 'Europe/Paris',
  be: 'Europe/Brussels', belgium: 'Europe/Brussels', belgique: 'Europe/Brussels', belgie: 'Europe/Brussels',
  nl: 'Europe/Amsterdam', netherlands: 'Europe/Amsterdam', nederland: 'Europe/Amsterdam',
  lu: 'Europe/Luxembourg', luxembourg: 'Europe/Luxembourg',
  es: 'Europe/Madrid', spain: 'Europe/Madrid', espana: 'Europe/Madrid',
  pt: 'Europe/Lisbon', portugal: 'Europe/Lisbon',
  it: 'Europe/Rome', italy: 'Europe/Rome', italia: 'Europe/Rome',
  gb: 'Europe/London', uk: 'Europe/London', 'united kingdom': 'Europe/London', england: 'Europe/London', scotland: 'Europe/London', wales: 'Europe/London',
  ie: 'Europe/Dublin', ireland: 'Europe/Dublin',
  pl: 'Europe/Warsaw', poland: 'Europe/Warsaw', polska: 'Europe/Warsaw',
  cz: 'Europe/Prague', czechia: 'Europe/Prague', 'czech republic': 'Europe/Prague',
  se: 'Europe/Stockholm', sweden: 'Europe/Stockholm', no: 'Europe/Oslo', norway: 'Europe/Oslo', dk: 'Europe/Copenhagen', denmark: 'Europe/Copenhagen', fi: 'Europe/Helsinki', finland: 'Europe/Helsinki',
  in: 'Asia/Kolkata', india: 'Asia/Kolkata',
  cn: 'Asia/Shanghai', china: 'Asia/Shanghai', hk: 'Asia/Hong_Kong', 'hong kong': 'Asia/Hong_Kong',
  jp: 'Asia/Tokyo', japan: 'Asia/Tokyo', kr: 'Asia/Seoul', 'south korea': 'Asia/Seoul', sg: 'Asia/Singapore', singapore: 'Asia/Singapore',
  ae: 'Asia/Dubai', 'united arab emirates': 'Asia/Dubai', il: 'Asia/Jerusalem', israel: 'Asia/Jerusalem', tr: 'Europe/Istanbul', turkey: 'Europe/Istanbul',
  za: 'Africa/Johannesburg', 'south africa': 'Africa/Johannesburg', ng: 'Africa/Lagos', nigeria: 'Africa/Lagos', ke: 'Africa/Nairobi', kenya: 'Africa/Nairobi',
  nz: 'Pacific/Auckland', 'new zealand': 'Pacific/Auckland',
  cl: 'America/Santiago', chile: 'America/Santiago', co: 'America/Bogota', colombia: 'America/Bogota', pe: 'America/Lima', peru: 'America/Lima',
  ar: 'America/Argentina/Buenos_Aires', argentina: 'America/Argentina/Buenos_Aires', uy: 'America/Montevideo', uruguay: 'America/Montevideo',
  mx: 'America/Mexico_City', mexico: 'America/Mexico_City', br: 'America/Sao_Paulo', brazil: 'America/Sao_Paulo', brasil: 'America/Sao_Paulo',
};

/** Whether the runtime knows the zone (Intl throws on an unknown one). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function timeZoneOfRecord(fields: { timeZone?: string | null; country?: string | null }): string | null {
  const named = fields.timeZone?.trim();
  if (named && named.includes('/') && isTimeZone(named)) return named;
  return fields.country ? (COUNTRY_ZONES[fold(fields.country)] ?? null) : null;
}
