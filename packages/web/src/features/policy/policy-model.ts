/**
 * The policy as the page reads it. `GET /policy` returns the validated policy as an open record; these are the
 * fields the page shows and edits, read defensively (the server owns the schema and validates every draft).
 */
export type Selector = readonly string[] | '*';

export interface TargetRule {
  readonly plans: Selector;
  readonly priorities: Selector;
  readonly metric: string;
  readonly categories?: Selector;
  readonly maintenanceContract?: boolean | '*';
  readonly duration: string | null;
  readonly calendar: string;
  readonly note?: string;
  readonly [key: string]: unknown;
}

export interface EscalationRule {
  readonly at: number | 'breach' | 'created';
  readonly metrics?: readonly string[];
  readonly priorities?: readonly string[];
  readonly plans?: readonly string[];
  readonly notify: readonly string[];
  readonly raisePriority?: string;
  readonly note?: string;
}

export interface PolicyShape {
  readonly version: number;
  readonly metrics: readonly string[];
  readonly plans: readonly { id: string; name?: unknown }[];
  readonly priorities: readonly { id: string }[];
  readonly targets: readonly TargetRule[];
  readonly escalations: readonly EscalationRule[];
  readonly [key: string]: unknown;
}

const arrayOf = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

export function policyShape(policy: Record<string, unknown>): PolicyShape {
  return {
    ...policy,
    version: typeof policy['version'] === 'number' ? policy['version'] : 1,
    metrics: arrayOf<string>(policy['metrics']),
    plans: arrayOf<{ id: string }>(policy['plans']),
    priorities: arrayOf<{ id: string }>(policy['priorities']),
    targets: arrayOf<TargetRule>(policy['targets']),
    escalations: arrayOf<EscalationRule>(policy['escalations']),
  };
}

export const selects = (selector: Selector | undefined, id: string): boolean =>
  selector === undefined || selector === '*' || selector.includes(id);

/** The rules that give (plan, priority, metric) its target: one, or several split by category or maintenance. */
export function rulesFor(policy: PolicyShape, plan: string, priority: string, metric: string): TargetRule[] {
  return policy.targets.filter(
    (r) => r.metric === metric && selects(r.plans, plan) && selects(r.priorities, priority),
  );
}

/** An ISO business duration in parts: "P1DT4H" → { days: 1, hours: 4, minutes: 0 }; undefined if unreadable. */
export function durationParts(iso: string): { days: number; hours: number; minutes: number } | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?)?$/.exec(iso);
  if (m === null || iso === 'P' || iso.endsWith('T')) return undefined;
  return { days: Number(m[1] ?? 0), hours: Number(m[2] ?? 0), minutes: Number(m[3] ?? 0) };
}

/** The most recent version number plus one: what a draft must carry to be adopted as a new version. */
export function nextVersion(live: number, listed: readonly string[]): number {
  return Math.max(live, ...listed.map(Number).filter(Number.isFinite)) + 1;
}

export interface CalendarEdit {
  /** Dates (YYYY-MM-DD) closed in the draft. */
  readonly closed: readonly string[];
  /** Opening hours added on a weekday: [day, from, to]. */
  readonly hours: readonly (readonly [string, string, string])[];
}

/** A calendar spec with a draft's edits applied (closed dates and added weekly hours); the input is not changed. */
export function editedSpec(spec: Record<string, unknown>, edit: CalendarEdit): Record<string, unknown> {
  const week = { ...((spec['week'] as Record<string, [string, string][]> | undefined) ?? {}) };
  for (const [day, from, to] of edit.hours) week[day] = [...(week[day] ?? []), [from, to]];
  const closed = [...new Set([...arrayOf<string>(spec['closed']), ...edit.closed])].sort();
  return { ...spec, week, closed };
}
