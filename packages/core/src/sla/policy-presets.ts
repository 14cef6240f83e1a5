import { parseSlaPolicy, type SlaPolicy } from './policy.schema.ts';
import { CONSULTING_SA_POLICY } from './presets/consulting-sa.ts';
import { HOSTING_BE_POLICY } from './presets/hosting-be.ts';
import { SlaError } from './sla-error.ts';

export const SLA_POLICY_PRESET_IDS = ['hosting-be', 'consulting-sa'] as const;
export type SlaPolicyPresetId = (typeof SLA_POLICY_PRESET_IDS)[number];

const PRESET_INPUTS: Record<SlaPolicyPresetId, unknown> = {
  'hosting-be': HOSTING_BE_POLICY,
  'consulting-sa': CONSULTING_SA_POLICY,
};

export function isPolicyPresetId(id: string): id is SlaPolicyPresetId {
  return Object.hasOwn(PRESET_INPUTS, id);
}

const parsed = new Map<SlaPolicyPresetId, SlaPolicy>();

/** A preset passes the same schema as a user's policy file; parsed once. */
export function getPolicyPreset(id: string): SlaPolicy {
  if (!isPolicyPresetId(id)) {
    throw new SlaError(
      'UNKNOWN_POLICY_PRESET',
      `unknown policy preset '${id}' (presets: ${SLA_POLICY_PRESET_IDS.join(', ')})`,
    );
  }
  let policy = parsed.get(id);
  if (!policy) {
    policy = parseSlaPolicy(PRESET_INPUTS[id]);
    parsed.set(id, policy);
  }
  return policy;
}
