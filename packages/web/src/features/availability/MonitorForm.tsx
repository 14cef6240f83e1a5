import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Monitor } from './shared.tsx';

export type MonitorKind = Monitor['kind'];

export interface MonitorFormValues {
  name: string;
  organizationId: string;
  kind: MonitorKind;
  url: string;
  host: string;
  port: number | '';
  intervalSeconds: number | '';
  timeoutSeconds: number | '';
  expectedStatus: number | '';
  keyword: string;
  slowMs: number | '';
  confirmations: number | '';
  resolveOnRecovery: boolean;
  public: boolean;
}

export function formValuesOf(monitor: Monitor | null): MonitorFormValues {
  return {
    name: monitor?.name ?? '',
    organizationId: monitor?.organizationId ?? '',
    kind: monitor?.kind ?? 'http',
    url: monitor?.url ?? '',
    host: monitor?.host ?? '',
    port: monitor?.port ?? '',
    intervalSeconds: monitor?.intervalSeconds ?? 60,
    timeoutSeconds: monitor?.timeoutSeconds ?? 10,
    expectedStatus: monitor?.expectedStatus ?? '',
    keyword: monitor?.keyword ?? '',
    slowMs: monitor?.slowMs ?? '',
    confirmations: monitor?.confirmations ?? 2,
    resolveOnRecovery: monitor?.resolveOnRecovery ?? true,
    public: monitor?.public ?? false,
  };
}

/** The settings a create or update sends: empty optional fields are left out (create) or cleared (update). */
export function bodyOf(values: MonitorFormValues, forUpdate: boolean) {
  const num = (v: number | '') => (v === '' ? undefined : Number(v));
  const clearable = (v: number | '' | string) =>
    v === '' ? (forUpdate ? null : undefined) : typeof v === 'string' ? v : Number(v);
  return {
    name: values.name.trim(),
    ...(values.kind === 'http' ? { url: values.url.trim() } : {}),
    ...(values.kind === 'tcp' ? { host: values.host.trim(), port: num(values.port) } : {}),
    intervalSeconds: num(values.intervalSeconds),
    timeoutSeconds: num(values.timeoutSeconds),
    ...(values.kind === 'http'
      ? {
          expectedStatus: clearable(values.expectedStatus) as number | null | undefined,
          keyword: clearable(values.keyword.trim()) as string | null | undefined,
        }
      : {}),
    slowMs: clearable(values.slowMs) as number | null | undefined,
    confirmations: num(values.confirmations),
    resolveOnRecovery: values.resolveOnRecovery,
    public: values.public,
  };
}

/** The monitor editor: kind first, then only the fields that kind uses. */
export function MonitorForm({
  initial,
  organizations,
  busy,
  onSubmit,
  submitLabel,
}: {
  initial: MonitorFormValues;
  organizations: { value: string; label: string }[];
  busy: boolean;
  onSubmit: (values: MonitorFormValues) => void;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const [values, setValues] = useState(initial);
  const creating = initial.organizationId === '';
  const set = <K extends keyof MonitorFormValues>(key: K, value: MonitorFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const numberValue = (v: string | number) => (v === '' ? '' : Number(v));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(values);
  };
  return (
    <form onSubmit={submit} aria-label={submitLabel}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label={t('availability.form.name')}
            required
            value={values.name}
            onChange={(e) => set('name', e.currentTarget.value)}
          />
          <Select
            label={t('availability.form.organization')}
            required
            disabled={!creating}
            data={organizations}
            value={values.organizationId === '' ? null : values.organizationId}
            onChange={(v) => set('organizationId', v ?? '')}
            searchable
          />
        </SimpleGrid>
        <div>
          <Text size="sm" fw={500} id="monitor-kind-label" mb={4}>
            {t('availability.form.kind')}
          </Text>
          <SegmentedControl
            aria-labelledby="monitor-kind-label"
            disabled={!creating}
            value={values.kind}
            onChange={(v) => set('kind', v as MonitorKind)}
            data={(['http', 'tcp', 'heartbeat'] as const).map((k) => ({
              value: k,
              label: t(`availability.kind.${k}`),
            }))}
          />
          <Text size="xs" c="dimmed" mt={4}>
            {t(`availability.form.kindHelp.${values.kind}`)}
          </Text>
        </div>
        {values.kind === 'http' && (
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput
              label={t('availability.form.url')}
              required
              type="url"
              placeholder="https://www.example.com/health"
              value={values.url}
              onChange={(e) => set('url', e.currentTarget.value)}
            />
            <NumberInput
              label={t('availability.form.expectedStatus')}
              description={t('availability.form.expectedStatusHelp')}
              min={100}
              max={599}
              value={values.expectedStatus}
              onChange={(v) => set('expectedStatus', numberValue(v))}
            />
            <TextInput
              label={t('availability.form.keyword')}
              description={t('availability.form.keywordHelp')}
              value={values.keyword}
              onChange={(e) => set('keyword', e.currentTarget.value)}
            />
          </SimpleGrid>
        )}
        {values.kind === 'tcp' && (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput
              label={t('availability.form.host')}
              required
              value={values.host}
              onChange={(e) => set('host', e.currentTarget.value)}
            />
            <NumberInput
              label={t('availability.form.port')}
              required
              min={1}
              max={65535}
              value={values.port}
              onChange={(v) => set('port', numberValue(v))}
            />
          </SimpleGrid>
        )}
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <NumberInput
            label={t('availability.form.interval')}
            min={1}
            max={86_400}
            value={values.intervalSeconds}
            onChange={(v) => set('intervalSeconds', numberValue(v))}
          />
          <NumberInput
            label={t('availability.form.timeout')}
            min={1}
            max={300}
            value={values.timeoutSeconds}
            onChange={(v) => set('timeoutSeconds', numberValue(v))}
          />
          <NumberInput
            label={t('availability.form.slowMs')}
            description={t('availability.form.slowMsHelp')}
            min={1}
            max={300_000}
            value={values.slowMs}
            onChange={(v) => set('slowMs', numberValue(v))}
          />
          <NumberInput
            label={t('availability.form.confirmations')}
            min={1}
            max={20}
            value={values.confirmations}
            onChange={(v) => set('confirmations', numberValue(v))}
          />
        </SimpleGrid>
        <Group gap="lg">
          <Checkbox
            label={t('availability.form.resolveOnRecovery')}
            checked={values.resolveOnRecovery}
            onChange={(e) => set('resolveOnRecovery', e.currentTarget.checked)}
          />
          <Checkbox
            label={t('availability.form.public')}
            checked={values.public}
            onChange={(e) => set('public', e.currentTarget.checked)}
          />
        </Group>
        <Group>
          <Button type="submit" loading={busy}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
