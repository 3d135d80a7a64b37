/** Time is injected everywhere so tests and the demo control it; nothing reads Date.now() directly. */
export interface Clock {
  now(): number;
  /** How many of this clock's milliseconds pass in one real millisecond (1 unless sped up). */
  readonly rate?: number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to: the clock of every test. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: number | string | Date = '2026-11-21T09:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a clock does not run backwards');
    this.current += ms;
  }

  set(to: number | string | Date): void {
    this.current = new Date(to).getTime();
  }
}

/** Runs `scale` times faster than the wall clock from `origin` (by default the moment it is made): the demo's clock. */
export function scaledClock(scale: number, base: Clock = systemClock, origin = base.now()): Clock {
  return { now: () => Math.floor(origin + (base.now() - origin) * scale), rate: scale * (base.rate ?? 1) };
}
