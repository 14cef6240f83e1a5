import { Checkbox, NumberInput, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import type { PlanOption } from './workspace-data.ts';

export interface ContractDraft {
  plan: string | null;
  maintenanceContract: boolean;
  extendedCalendar: string | null;
  hourlyRate: number | string;
  currency: string;
}

export const EMPTY_CONTRACT: ContractDraft = {
  plan: null,
  maintenanceContract: false,
  extendedCalendar: null,
  hourlyRate: 0,
  currency: 'EUR',
};

/** The body of POST /organizations/{id}/contracts (and of `contract` in POST /organizations). */
export function contractBody(draft: ContractDraft) {
  const rate = typeof draft.hourlyRate === 'number' ? draft.hourlyRate : Number(draft.hourlyRate || 0);
  return {
    plan: draft.plan ?? '',
    maintenanceContract: draft.maintenanceContract,
    hourlyRateCents: Math.round(rate * 100),
    currency: draft.currency.trim().toUpperCase(),
    extendedCalendar: draft.extendedCalendar,
  };
}

/**
 * The calendar field's own message for the server's refusals about it: a Sur Mesure contract without its calendar
 * is 422 CONTRACT_CALENDAR_REQUIRED ("les horaires étendus sont définis spécifiquement dans le contrat
 * particulier"), an unknown calendar 404 CALENDAR_NOT_FOUND.
 */
export function calendarErrorKey(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'CONTRACT_CALENDAR_REQUIRED') return 'admin.contract.calendarRequired';
  if (error.code === 'CALENDAR_NOT_FOUND' || error.code === 'CALENDAR_NEVER_OPEN')
    return 'admin.contract.calendarNotFound';
  return null;
}

export function ContractFields({
  value,
  onChange,
  plans,
  calendars,
  error,
}: {
  value: ContractDraft;
  onChange: (next: ContractDraft) => void;
  plans: readonly PlanOption[];
  calendars: readonly { value: string; label: string }[];
  /** The server's last refusal: a calendar refusal is shown on the calendar field. */
  error: unknown;
}) {
  const { t } = useTranslation();
  const calendarError = calendarErrorKey(error);
  const set = (patch: Partial<ContractDraft>) => onChange({ ...value, ...patch });
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing="xs">
      <Select
        label={t('admin.contract.plan')}
        data={plans}
        value={value.plan}
        onChange={(plan) => set({ plan })}
        required
        allowDeselect={false}
      />
      <Select
        label={t('admin.contract.calendar')}
        description={t('admin.contract.calendarHint')}
        data={calendars}
        value={value.extendedCalendar}
        onChange={(extendedCalendar) => set({ extendedCalendar })}
        placeholder={t('admin.contract.noCalendar')}
        clearable
        error={calendarError === null ? undefined : t(calendarError)}
      />
      <NumberInput
        size="xs"
        label={t('admin.contract.hourlyRate')}
        value={value.hourlyRate}
        onChange={(hourlyRate) => set({ hourlyRate })}
        min={0}
        decimalScale={2}
      />
      <TextInput
        label={t('admin.contract.currency')}
        value={value.currency}
        onChange={(e) => set({ currency: e.currentTarget.value })}
        maxLength={3}
      />
      <Checkbox
        label={t('admin.contract.maintenance')}
        description={t('admin.contract.maintenanceHint')}
        checked={value.maintenanceContract}
        onChange={(e) => set({ maintenanceContract: e.currentTarget.checked })}
      />
    </SimpleGrid>
  );
}
