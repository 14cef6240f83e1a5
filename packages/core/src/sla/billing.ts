import type { BillingMode, SlaPolicy } from './policy.schema.ts';
import type { TicketCategory } from './ticket-event.ts';

export type BillingDecision =
  | { billable: false; coveredBy: 'agreement' | 'maintenance-contract' }
  | { billable: true; mode: BillingMode; hourlyRate: { amount: number; currency: string } | null };

/**
 * Hosting vs application scope: an application ticket without a maintenance contract is billed
 * (quote, or time-and-materials at the rate in force). A contract may choose the mode and rate.
 */
export function billingFor(input: {
  policy: SlaPolicy;
  category: TicketCategory;
  maintenanceContract: boolean;
  mode?: BillingMode;
  hourlyRate?: { amount: number; currency: string } | null;
}): BillingDecision {
  const { billing } = input.policy;
  if (billing.coveredCategories.includes(input.category)) return { billable: false, coveredBy: 'agreement' };
  if (input.maintenanceContract && billing.maintenanceContractCovers.includes(input.category)) {
    return { billable: false, coveredBy: 'maintenance-contract' };
  }
  return {
    billable: true,
    mode: input.mode ?? billing.otherwise.mode,
    hourlyRate: input.hourlyRate === undefined ? billing.otherwise.hourlyRate : input.hourlyRate,
  };
}
