import { describe, expect, it } from 'vitest';
import { billingFor } from './billing.ts';
import { getPolicyPreset } from './policy-presets.ts';

const hosting = getPolicyPreset('hosting-be');
const consulting = getPolicyPreset('consulting-sa');

describe('billingFor', () => {
  it.each([
    {
      policy: hosting,
      category: 'hosting',
      maintenanceContract: false,
      expected: { billable: false, coveredBy: 'agreement' },
    },
    {
      policy: hosting,
      category: 'application',
      maintenanceContract: true,
      expected: { billable: false, coveredBy: 'maintenance-contract' },
    },
    {
      policy: hosting,
      category: 'application',
      maintenanceContract: false,
      expected: { billable: true, mode: 'quote', hourlyRate: null },
    },
    {
      policy: consulting,
      category: 'application',
      maintenanceContract: false,
      expected: { billable: false, coveredBy: 'agreement' },
    },
  ] as const)(
    '$policy.id $category, maintenance $maintenanceContract',
    ({ policy, category, maintenanceContract, expected }) => {
      expect(billingFor({ policy, category, maintenanceContract })).toEqual(expected);
    },
  );

  it('takes the contract’s mode and rate', () => {
    const rate = { amount: 95, currency: 'EUR' };
    expect(
      billingFor({
        policy: hosting,
        category: 'application',
        maintenanceContract: false,
        mode: 'time-and-materials',
        hourlyRate: rate,
      }),
    ).toEqual({
      billable: true,
      mode: 'time-and-materials',
      hourlyRate: rate,
    });
  });
});
