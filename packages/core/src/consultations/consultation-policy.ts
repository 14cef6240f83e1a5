import { z } from 'zod';
import { parseBusinessDuration } from '../calendar/duration.ts';

const positiveDuration = z.string().refine(
  (s) => {
    try {
      const d = parseBusinessDuration(s);
      return d.days > 0 || d.ms > 0;
    } catch {
      return false;
    }
  },
  { message: 'expected a positive ISO business duration, e.g. PT4H, PT24H, P1D' },
);

/** What happens to a direct request its consultant declined or let expire. */
export const CONSULTATION_EXPIRY_ROUTES = ['board', 'next-consultant'] as const;
export type ConsultationExpiryRoute = (typeof CONSULTATION_EXPIRY_ROUTES)[number];

/**
 * The consultation deadlines of a policy (seed 004, "Gestion des demandes de consultation"), as data:
 * - "le consultant doit accepter ou refuser la demande dans un délai de 4 heures ouvrables" → `acceptWithin: 'PT4H'`;
 * - "doit contacter le client dans un délai de 24 heures ouvrables" → `contactWithin: 'PT24H'`: twenty-four hours of
 *   open time of `calendar` (2⅔ working days of 9 h), not `P1D` (one business day);
 * - "la demande est renvoyée au système de prise en charge ou attribuée à un autre consultant" → `onExpiry`.
 */
export const consultationPolicySchema = z
  .object({
    acceptWithin: positiveDuration.default('PT4H'),
    contactWithin: positiveDuration.default('PT24H'),
    calendar: z.string().min(1).default('sa-business'),
    onExpiry: z.enum(CONSULTATION_EXPIRY_ROUTES).default('board'),
    /** Percent of the contact deadline used at which the consultant is warned. */
    warningThresholds: z.array(z.number().int().gt(0).lt(100)).max(10).default([75]),
  })
  .strict();

export type ConsultationPolicy = z.output<typeof consultationPolicySchema>;
export type ConsultationPolicyInput = z.input<typeof consultationPolicySchema>;
