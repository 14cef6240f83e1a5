import { hashPassword, passwordProblem } from '../auth/password.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import { createServices } from '../services.ts';
import { isPolicyPresetId, POLICY_PRESET_IDS } from '../sla/sla-clock.service.ts';

export interface FirstAdminInput {
  email: string;
  name: string;
  password: string;
  workspaceSlug: string;
  workspaceName: string;
  /** Policy preset of the workspace when it does not exist yet. */
  preset: string;
}

/** Outside demo mode: an admin account, in a workspace created from a policy preset if needed (`accord admin create`). */
export async function createFirstAdmin(
  db: Db,
  clock: Clock,
  input: FirstAdminInput,
): Promise<{ userId: string; workspaceId: string; createdWorkspace: boolean }> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    throw new DomainError('VALIDATION_FAILED', `'${input.email}' is not an email address`);
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(input.workspaceSlug))
    throw new DomainError('VALIDATION_FAILED', 'workspace: lower-case letters, digits and dashes');
  const problem = passwordProblem(input.password);
  if (problem) throw new DomainError('WEAK_PASSWORD', problem);
  if (!isPolicyPresetId(input.preset))
    throw new DomainError(
      'INVALID_POLICY',
      `unknown preset '${input.preset}' (presets: ${POLICY_PRESET_IDS.join(', ')})`,
    );
  if (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) {
    throw new DomainError('EMAIL_TAKEN', `an account with email ${email} already exists`);
  }
  const existing = await db
    .selectFrom('workspaces')
    .select('id')
    .where('slug', '=', input.workspaceSlug)
    .executeTakeFirst();
  const { workspaces } = createServices({ db, clock });
  const workspaceId =
    existing?.id ??
    (await workspaces.ensureWorkspace({
      slug: input.workspaceSlug,
      name: input.workspaceName,
      preset: input.preset,
    }));
  const userId = newId();
  const nowMs = clock.nowMs();
  const passwordHash = await hashPassword(input.password);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values({
        id: userId,
        email,
        name: input.name,
        password_hash: passwordHash,
        created_at: nowMs,
        disabled_at: null,
      })
      .execute();
    await trx
      .insertInto('memberships')
      .values({
        user_id: userId,
        workspace_id: workspaceId,
        role: 'admin',
        organization_id: null,
        created_at: nowMs,
      })
      .execute();
  });
  return { userId, workspaceId, createdWorkspace: existing === undefined };
}
