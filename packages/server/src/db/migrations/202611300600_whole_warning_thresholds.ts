import { sql, type Kysely } from 'kysely';

/**
 * Warning thresholds are whole percentages (the clock rows store them in an integer column). The policy schema
 * accepted fractions for a while, and a policy stored then no longer parses, which would stop every write of its
 * workspace. Each stored threshold is taken down to the whole percent below it (a warning a little early rather than
 * late), at least 1; duplicates are merged, and an escalation rule's `at` follows its threshold. Policies with whole
 * thresholds are left byte for byte as they are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ workspace_id: string; version: string; policy_json: string }>`
    select workspace_id, version, policy_json from policy_versions`.execute(db);
  for (const row of rows) {
    const fixed = wholeThresholdsJson(row.policy_json);
    if (fixed === undefined) continue;
    await sql`update policy_versions set policy_json = ${fixed}
      where workspace_id = ${row.workspace_id} and version = ${row.version}`.execute(db);
  }
}

export async function down(): Promise<void> {
  // The fractions are not kept: there is nothing to restore them from, and no version of the code needs them.
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const whole = (value: unknown): unknown =>
  typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value)
    ? Math.max(1, Math.floor(value))
    : value;

/** The thresholds of one policy object (the SLA policy, or its consultations section) made whole; true if changed. */
function wholeThresholds(policy: Json): boolean {
  const thresholds = policy['warningThresholds'];
  if (!Array.isArray(thresholds) || thresholds.every((t) => whole(t) === t)) return false;
  const merged = [...new Set(thresholds.map(whole))];
  const numbers = merged.filter((t): t is number => typeof t === 'number').sort((a, b) => a - b);
  policy['warningThresholds'] = [...numbers, ...merged.filter((t) => typeof t !== 'number')];
  const escalations = policy['escalations'];
  if (Array.isArray(escalations))
    for (const rule of escalations) if (isObject(rule)) rule['at'] = whole(rule['at']);
  return true;
}

/** The policy's JSON with whole thresholds, or undefined when it needs no change (or is not JSON to mend). */
export function wholeThresholdsJson(policyJson: string): string | undefined {
  let policy: unknown;
  try {
    policy = JSON.parse(policyJson);
  } catch {
    return undefined;
  }
  if (!isObject(policy)) return undefined;
  const consultations = policy['consultations'];
  const changed = [wholeThresholds(policy), isObject(consultations) && wholeThresholds(consultations)];
  return changed.some(Boolean) ? JSON.stringify(policy) : undefined;
}
