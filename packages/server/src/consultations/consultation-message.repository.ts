import type { Kysely, Transaction } from 'kysely';
import type { ConsultationMessageTable, Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A consultation request's message thread, Kysely only. */
export function createConsultationMessageRepository(db: Db) {
  return {
    async list(consultationId: string): Promise<(ConsultationMessageTable & { author_name: string })[]> {
      return db
        .selectFrom('consultation_messages')
        .innerJoin('users', 'users.id', 'consultation_messages.author_id')
        .selectAll('consultation_messages')
        .select('users.name as author_name')
        .where('consultation_messages.consultation_id', '=', consultationId)
        .orderBy('consultation_messages.seq')
        .execute();
    },

    async insert(message: Omit<ConsultationMessageTable, 'seq'>): Promise<ConsultationMessageTable> {
      const last = await db
        .selectFrom('consultation_messages')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('consultation_id', '=', message.consultation_id)
        .executeTakeFirst();
      const row = { ...message, seq: Number(last?.seq ?? 0) + 1 };
      await db.insertInto('consultation_messages').values(row).execute();
      return row;
    },
  };
}
