/** The only source of "now" for services; tests pass a clock they control. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that only moves when told to (tests, demo seeding). */
export class ManualClock implements Clock {
  constructor(private currentMs: number) {}
  nowMs(): number {
    return this.currentMs;
  }
  set(atMs: number): void {
    this.currentMs = atMs;
  }
  advance(durationMs: number): void {
    this.currentMs += durationMs;
  }
}
