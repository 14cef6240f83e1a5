import { deepFreeze } from '../deep-freeze.ts';
import type { SlaPolicy } from './policy.schema.ts';
import { CONSULTING_SA_POLICY } from './presets/consulting-sa.ts';
import { HOSTING_BE_POLICY } from './presets/hosting-be.ts';
import { SlaError } from './sla-error.ts';

export const SLA_POLICY_PRESET_IDS = ['hosting-be', 'consulting-sa'] as const;
export type SlaPolicyPresetId = (typeof SLA_POLICY_PRESET_IDS)[number];

/*
 * The presets are written whole, as the schema returns them (every default stated; policy.schema.test.ts checks
 * that parsing changes nothing): reading one validates nothing at run time, so the engine answers on a preset
 * without loading the schema. They are shared, hence frozen.
 */
const PRESETS: Record<SlaPolicyPresetId, SlaPolicy> = deepFreeze({
  'hosting-be': HOSTING_BE_POLICY,
  'consulting-sa': CONSULTING_SA_POLICY,
});

export function isPolicyPresetId(id: string): id is SlaPolicyPresetId {
  return Object.hasOwn(PRESETS, id);
}

export function getPolicyPreset(id: string): SlaPolicy {
  if (!isPolicyPresetId(id)) {
    throw new SlaError(
      'UNKNOWN_POLICY_PRESET',
      `unknown policy preset '${id}' (presets: ${SLA_POLICY_PRESET_IDS.join(', ')})`,
    );
  }
  return PRESETS[id];
}
