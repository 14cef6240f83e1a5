import type { Actor } from '../auth/actor.ts';
import type { Services } from '../services.ts';

/**
 * Demo consultation data: both demo consultants available, sharing the `tax` specialty, with room for ten requests;
 * one request offered directly to the first (its acceptance countdown running), one on the claim board, and one the
 * second consultant accepted (its contact deadline running).
 */
export async function seedConsultationDemo({
  services,
  workspaceId,
  consultants,
  client,
  nowMs,
}: {
  services: Services;
  workspaceId: string;
  consultants: readonly [Actor, Actor];
  client: Actor;
  nowMs: number;
}): Promise<void> {
  const [first, second] = consultants;
  const profiles = [
    { actor: first, specialties: ['tax', 'corporate-law'], bio: 'Zakat, VAT and company set-up.' },
    { actor: second, specialties: ['tax', 'real-estate'], bio: 'Tax and property transactions.' },
  ];
  for (const p of profiles) {
    await services.db
      .insertInto('consultant_profiles')
      .values({
        workspace_id: workspaceId,
        user_id: p.actor.userId,
        specialties_json: JSON.stringify(p.specialties),
        languages_json: JSON.stringify(['ar', 'en']),
        capacity: 10,
        available: 1,
        away_until: null,
        bio: p.bio,
        updated_at: nowMs,
      })
      .execute();
  }
  const { consultations } = services;
  await consultations.create(client, {
    subject: 'Zakat on a new holding company',
    description: 'We are setting up a holding company in Riyadh and need advice on zakat.',
    specialty: 'tax',
    language: 'ar',
    consultantId: first.userId,
  });
  await consultations.create(client, {
    subject: 'VAT on cross-border services',
    description: 'Which VAT rate applies to services we sell to a client in Bahrain?',
    specialty: 'tax',
  });
  const accepted = await consultations.create(client, {
    subject: 'Buying an office in Jeddah',
    description: 'What taxes and fees apply to buying commercial property?',
    specialty: 'real-estate',
    consultantId: second.userId,
  });
  await consultations.accept(second, accepted.id);
}
