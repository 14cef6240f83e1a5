import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import type { ConsultationTable, Database } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { CONSULTATION_LOAD_STATES, type ConsultantProfile } from './consultation-core.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type ConsultationRow = ConsultationTable;

export interface NewConsultationEvent {
  readonly type: string;
  readonly actorId: string | null;
  readonly consultantId: string | null;
  readonly payload?: Record<string, unknown>;
}

export interface ConsultationListOptions {
  readonly clientId?: string;
  /** Requests offered to or taken by this consultant. */
  readonly consultantId?: string;
  readonly states?: readonly string[];
  readonly limit: number;
}

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

function profileOf(row: Database['consultant_profiles']): ConsultantProfile & { bio: string } {
  return {
    userId: row.user_id,
    specialties: JSON.parse(row.specialties_json) as string[],
    languages: JSON.parse(row.languages_json) as string[],
    capacity: row.capacity,
    available: row.available === 1,
    awayUntilMs: row.away_until === null ? null : Number(row.away_until),
    bio: row.bio,
  };
}

/** The consultation tables, Kysely only: no rule decides anything here. */
export function createConsultationRepository(db: Db) {
  return {
    db,
    async profile(workspaceId: string, userId: string, options: { lock?: boolean } = {}) {
      const row = await db
        .selectFrom('consultant_profiles')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        // Serialises one consultant's claims on PostgreSQL, so two at once cannot both pass the capacity check.
        .$if(options.lock === true && isPostgres(db), (qb) => qb.forUpdate())
        .executeTakeFirst();
      return row === undefined ? undefined : profileOf(row);
    },

    /**
     * Profiles of the workspace's enabled consultants, with their names. A membership still pending its first sign-in
     * counts: only its holder (or the demo seed) can have written a profile.
     */
    async profiles(workspaceId: string) {
      const rows = await db
        .selectFrom('consultant_profiles')
        .innerJoin('memberships', (join) =>
          join
            .onRef('memberships.user_id', '=', 'consultant_profiles.user_id')
            .onRef('memberships.workspace_id', '=', 'consultant_profiles.workspace_id'),
        )
        .innerJoin('users', 'users.id', 'consultant_profiles.user_id')
        .selectAll('consultant_profiles')
        .select('users.name')
        .where('consultant_profiles.workspace_id', '=', workspaceId)
        .where('memberships.role', '=', 'consultant')
        .where('memberships.disabled_at', 'is', null)
        .where('users.disabled_at', 'is', null)
        .orderBy('users.name')
        .orderBy('consultant_profiles.user_id')
        .execute();
      return rows.map((r) => ({ ...profileOf(r), name: r.name }));
    },

    async saveProfile(
      workspaceId: string,
      profile: ConsultantProfile & { bio: string },
      nowMs: number,
    ): Promise<void> {
      const values = {
        specialties_json: JSON.stringify(profile.specialties),
        languages_json: JSON.stringify(profile.languages),
        capacity: profile.capacity,
        available: profile.available ? 1 : 0,
        away_until: profile.awayUntilMs,
        bio: profile.bio,
        updated_at: nowMs,
      };
      await db
        .insertInto('consultant_profiles')
        .values({ workspace_id: workspaceId, user_id: profile.userId, ...values })
        .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet(values))
        .execute();
    },

    async isConsultant(workspaceId: string, userId: string): Promise<boolean> {
      const row = await db
        .selectFrom('memberships')
        .select('user_id')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .where('role', '=', 'consultant')
        .where('disabled_at', 'is', null)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Requests each consultant holds now (offered, accepted, contacted), keyed by user id. */
    async loads(workspaceId: string, consultantIds?: readonly string[]): Promise<Map<string, number>> {
      if (consultantIds !== undefined && consultantIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('consultations')
        .select(['consultant_id', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('state', 'in', CONSULTATION_LOAD_STATES)
        .where('consultant_id', 'is not', null)
        .$if(consultantIds !== undefined, (qb) => qb.where('consultant_id', 'in', consultantIds!))
        .groupBy('consultant_id')
        .execute();
      return new Map(rows.map((r) => [r.consultant_id ?? '', Number(r.n)]));
    },

    async adminIds(workspaceId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('memberships')
        .select('user_id')
        .where('workspace_id', '=', workspaceId)
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .where('invitation', 'is', null)
        .execute();
      return rows.map((r) => r.user_id);
    },

    async insert(row: ConsultationRow): Promise<void> {
      await db.insertInto('consultations').values(row).execute();
    },

    async find(workspaceId: string, id: string): Promise<ConsultationRow | undefined> {
      return db
        .selectFrom('consultations')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /**
     * Moves a request only if it is still in one of `fromStates` (and, with `consultantId`, still theirs): one
     * statement, so of many writers racing for the same row exactly one gets it back. On PostgreSQL a writer that
     * waited on the row lock re-reads the row after the winner commits, finds the state changed and updates nothing.
     */
    async transition(
      workspaceId: string,
      id: string,
      guard: { fromStates: readonly string[]; consultantId?: string | null },
      set: Partial<Omit<ConsultationRow, 'id' | 'workspace_id' | 'version'>>,
    ): Promise<ConsultationRow | undefined> {
      return db
        .updateTable('consultations')
        .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('state', 'in', guard.fromStates)
        .$if(guard.consultantId !== undefined, (qb) =>
          guard.consultantId === null
            ? qb.where('consultant_id', 'is', null)
            : qb.where('consultant_id', '=', guard.consultantId!),
        )
        .returningAll()
        .executeTakeFirst();
    },

    async appendEvents(
      row: { id: string; workspace_id: string },
      events: readonly NewConsultationEvent[],
      atMs: number,
    ): Promise<void> {
      if (events.length === 0) return;
      const last = await db
        .selectFrom('consultation_events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('consultation_id', '=', row.id)
        .executeTakeFirst();
      const start = Number(last?.seq ?? 0);
      await db
        .insertInto('consultation_events')
        .values(
          events.map((e, i) => ({
            id: newId(),
            consultation_id: row.id,
            workspace_id: row.workspace_id,
            type: e.type,
            actor_id: e.actorId,
            consultant_id: e.consultantId,
            payload_json: JSON.stringify(e.payload ?? {}),
            at: atMs,
            seq: start + i + 1,
          })),
        )
        .execute();
    },

    async events(consultationId: string) {
      return db
        .selectFrom('consultation_events')
        .selectAll()
        .where('consultation_id', '=', consultationId)
        .orderBy('seq')
        .execute();
    },

    async exclude(consultationId: string, consultantId: string, reason: string, atMs: number): Promise<void> {
      await db
        .insertInto('consultation_exclusions')
        .values({ consultation_id: consultationId, consultant_id: consultantId, reason, at: atMs })
        .onConflict((oc) => oc.columns(['consultation_id', 'consultant_id']).doNothing())
        .execute();
    },

    async exclusions(consultationId: string): Promise<Set<string>> {
      const rows = await db
        .selectFrom('consultation_exclusions')
        .select('consultant_id')
        .where('consultation_id', '=', consultationId)
        .execute();
      return new Set(rows.map((r) => r.consultant_id));
    },

    async list(workspaceId: string, options: ConsultationListOptions): Promise<ConsultationRow[]> {
      return db
        .selectFrom('consultations')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .$if(options.clientId !== undefined, (qb) => qb.where('client_id', '=', options.clientId!))
        .$if(options.consultantId !== undefined, (qb) =>
          qb.where('consultant_id', '=', options.consultantId!),
        )
        .$if(options.states !== undefined, (qb) => qb.where('state', 'in', options.states!))
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(options.limit)
        .execute();
    },

    /** Open requests of these specialties the consultant never declined nor let expire, oldest first. */
    async board(
      workspaceId: string,
      { consultantId, limit }: { consultantId: string; limit: number },
    ): Promise<ConsultationRow[]> {
      return db
        .selectFrom('consultations')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('state', '=', 'open')
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('consultation_exclusions as x')
                .select('x.consultant_id')
                .whereRef('x.consultation_id', '=', 'consultations.id')
                .where('x.consultant_id', '=', consultantId),
            ),
          ),
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    /** Events of the month, for the report. */
    async eventsBetween(workspaceId: string, fromMs: number, toMs: number) {
      return db
        .selectFrom('consultation_events')
        .select(['type', 'consultant_id', 'payload_json', 'at'])
        .where('workspace_id', '=', workspaceId)
        .where('at', '>=', fromMs)
        .where('at', '<', toMs)
        .where('consultant_id', 'is not', null)
        .execute();
    },

    async userNames(ids: readonly string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.id, r.name]));
    },
  };
}

export type ConsultationRepository = ReturnType<typeof createConsultationRepository>;
