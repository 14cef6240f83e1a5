import { epochDayToDate } from '@accord/core';
import type { Actor, Role } from './auth/actor.ts';
import { DomainError } from './errors.ts';

/** Throws FORBIDDEN unless the actor has one of the roles. */
export function requireRole(actor: Actor, roles: readonly Role[], action: string): void {
  if (!roles.includes(actor.role)) {
    throw new DomainError('FORBIDDEN', `a ${actor.role} cannot ${action} (allowed: ${roles.join(', ')})`);
  }
}

export function isoOrNull(atMs: number | null): string | null {
  return atMs === null ? null : iso(atMs);
}

const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59.999Z: beyond it (and before 1970) `toISOString` writes what this does not. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * `new Date(atMs).toISOString()`, without building a Date: a page of tickets writes some sixty instants. The civil
 * date comes from the day number by the core's `epochDayToDate`; the test compares it with `toISOString`.
 */
export function iso(atMs: number): string {
  if (!Number.isInteger(atMs) || atMs < 0 || atMs > LAST_FOUR_DIGIT_YEAR_MS)
    return new Date(atMs).toISOString();
  const days = Math.floor(atMs / DAY_MS);
  let restMs = atMs - days * DAY_MS;
  const { year, month, day } = epochDayToDate(days);
  const hours = Math.floor(restMs / 3_600_000);
  restMs -= hours * 3_600_000;
  const minutes = Math.floor(restMs / 60_000);
  restMs -= minutes * 60_000;
  const seconds = Math.floor(restMs / 1000);
  const millis = restMs - seconds * 1000;
  const yyyy = year < 1000 ? String(year).padStart(4, '0') : String(year);
  const mmm = millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : `${millis}`;
  return `${yyyy}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${mmm}Z`;
}
