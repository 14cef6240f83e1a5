import {
  Button,
  Checkbox,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { useOrganizations } from './MonitorsPage.tsx';
import type { Monitor } from './shared.tsx';

type Window = components['schemas']['MaintenanceWindow'];
type Exclusion = components['schemas']['AvailabilityExclusion'];
const REASONS = ['force-majeure', 'client-side', 'misuse'] as const;

/** A `datetime-local` value (the browser's zone) as an ISO instant; '' stays ''. */
const isoOf = (local: string) => (local === '' ? '' : new Date(local).toISOString());

/** Admin: maintenance windows (ahead, optionally recurring) and exclusions (after the fact, with a reason). */
export function MaintenancePage() {
  const { t } = useTranslation();
  const { locale, timeZone, role } = useSession();
  const admin = role === 'admin';
  const orgs = useOrganizations();
  const [monitors, setMonitors] = useState<Monitor[]>([]);
  const [windows, setWindows] = useState<Window[]>([]);
  const [exclusions, setExclusions] = useState<Exclusion[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    Promise.all([
      call(api.GET('/api/v1/monitors')),
      call(api.GET('/api/v1/maintenance-windows')),
      call(api.GET('/api/v1/availability-exclusions')),
    ])
      .then(([m, w, e]) => {
        setMonitors(m.items);
        setWindows(w.items);
        setExclusions(e.items);
      })
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  const orgName = (id: string | null) => (id === null ? '' : (orgs.find((o) => o.value === id)?.label ?? ''));
  const monitorNames = (ids: string[] | null) =>
    (ids ?? []).map((id) => monitors.find((m) => m.id === id)?.name ?? id).join(', ');
  const when = (iso: string) => formatShortInstant(iso, locale, timeZone);
  const scope = (organizationId: string | null, ids: string[] | null) =>
    organizationId !== null && (ids === null || ids.length === 0)
      ? orgName(organizationId)
      : monitorNames(ids);

  const removeWindow = (id: string) =>
    call(api.DELETE('/api/v1/maintenance-windows/{id}', { params: { path: { id } } }))
      .then(load)
      .catch(setError);

  return (
    <Stack gap="sm">
      <Title order={1}>{t('availability.maintenance.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('availability.maintenance.intro')}
      </Text>
      <ErrorAlert error={error} />
      {admin && <WindowForm orgs={orgs} monitors={monitors} onCreated={load} onError={setError} />}
      <Paper withBorder p="sm" component="section" aria-labelledby="windows-title">
        <Title order={2} id="windows-title" size="h4" mb={6}>
          {t('availability.maintenance.windows')}
        </Title>
        <Table.ScrollContainer minWidth={600}>
          <Table data-testid="maintenance-windows">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('availability.maintenance.windowTitle')}</Table.Th>
                <Table.Th>{t('availability.maintenance.scope')}</Table.Th>
                <Table.Th>{t('availability.maintenance.when')}</Table.Th>
                <Table.Th>{t('availability.maintenance.recurrence')}</Table.Th>
                {admin && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {windows.map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Td>
                    {w.title}
                    {w.announce && (
                      <Text size="xs" c="dimmed">
                        {t('availability.maintenance.announced')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{scope(w.organizationId, w.monitorIds)}</Table.Td>
                  <Table.Td>
                    {t('availability.range', { from: when(w.startsAt), to: when(w.endsAt) })}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {w.recurrence === null ? '—' : `${w.recurrence.rrule} (${w.recurrence.timeZone})`}
                    </Text>
                  </Table.Td>
                  {admin && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => void removeWindow(w.id)}
                        aria-label={`${t('availability.maintenance.delete')} ${w.title}`}
                      >
                        {t('availability.maintenance.delete')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      {admin && <ExclusionForm orgs={orgs} monitors={monitors} onCreated={load} onError={setError} />}
      <Paper withBorder p="sm" component="section" aria-labelledby="exclusions-title">
        <Title order={2} id="exclusions-title" size="h4" mb={6}>
          {t('availability.exclusions.title')}
        </Title>
        <Table.ScrollContainer minWidth={600}>
          <Table data-testid="exclusions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('availability.exclusions.reason')}</Table.Th>
                <Table.Th>{t('availability.maintenance.scope')}</Table.Th>
                <Table.Th>{t('availability.maintenance.when')}</Table.Th>
                <Table.Th>{t('availability.exclusions.note')}</Table.Th>
                <Table.Th>{t('availability.exclusions.entered')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {exclusions.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{t(`availability.reason.${e.reason}`)}</Table.Td>
                  <Table.Td>{scope(e.organizationId, e.monitorId === null ? null : [e.monitorId])}</Table.Td>
                  <Table.Td>{t('availability.range', { from: when(e.from), to: when(e.to) })}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{e.note}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{when(e.createdAt)}</Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {e.createdBy}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}

interface FormProps {
  orgs: { value: string; label: string }[];
  monitors: Monitor[];
  onCreated: () => void;
  onError: (error: unknown) => void;
}

/** Scope of a window or exclusion: a whole organization, or chosen monitors. */
function ScopeFields({
  orgs,
  monitors,
  scope,
  setScope,
  organizationId,
  setOrganizationId,
  monitorIds,
  setMonitorIds,
  multiple,
}: FormProps & {
  scope: 'organization' | 'monitors';
  setScope: (s: 'organization' | 'monitors') => void;
  organizationId: string | null;
  setOrganizationId: (id: string | null) => void;
  monitorIds: string[];
  setMonitorIds: (ids: string[]) => void;
  multiple: boolean;
}) {
  const { t } = useTranslation();
  const monitorOptions = monitors.map((m) => ({ value: m.id, label: m.name }));
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <SegmentedControl
        aria-label={t('availability.maintenance.scope')}
        value={scope}
        onChange={(v) => setScope(v as 'organization' | 'monitors')}
        data={[
          { value: 'organization', label: t('availability.maintenance.wholeOrganization') },
          {
            value: 'monitors',
            label: t(
              multiple ? 'availability.maintenance.someMonitors' : 'availability.maintenance.oneMonitor',
            ),
          },
        ]}
      />
      {scope === 'organization' ? (
        <Select
          label={t('availability.form.organization')}
          required
          data={orgs}
          value={organizationId}
          onChange={setOrganizationId}
          searchable
        />
      ) : multiple ? (
        <MultiSelect
          label={t('availability.maintenance.monitors')}
          required
          data={monitorOptions}
          value={monitorIds}
          onChange={setMonitorIds}
          searchable
        />
      ) : (
        <Select
          label={t('availability.maintenance.monitor')}
          required
          data={monitorOptions}
          value={monitorIds[0] ?? null}
          onChange={(v) => setMonitorIds(v === null ? [] : [v])}
          searchable
        />
      )}
    </SimpleGrid>
  );
}

function WindowForm(props: FormProps) {
  const { t } = useTranslation();
  const { timeZone } = useSession();
  const [scope, setScope] = useState<'organization' | 'monitors'>('organization');
  const [organizationId, setOrganizationId] = useState<string | null>(null);
  const [monitorIds, setMonitorIds] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [rrule, setRrule] = useState('');
  const [announce, setAnnounce] = useState(true);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    props.onError(null);
    call(
      api.POST('/api/v1/maintenance-windows', {
        body: {
          title: title.trim(),
          startsAt: isoOf(startsAt),
          endsAt: isoOf(endsAt),
          announce,
          ...(scope === 'organization' ? { organizationId: organizationId ?? '' } : { monitorIds }),
          ...(rrule.trim() === '' ? {} : { recurrence: { rrule: rrule.trim(), timeZone } }),
        },
      }),
    )
      .then(() => {
        setTitle('');
        setRrule('');
        props.onCreated();
      })
      .catch(props.onError)
      .finally(() => setBusy(false));
  };
  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="window-form-title">
      <Title order={2} id="window-form-title" size="h4" mb={6}>
        {t('availability.maintenance.create')}
      </Title>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <ScopeFields
            {...props}
            multiple
            scope={scope}
            setScope={setScope}
            organizationId={organizationId}
            setOrganizationId={setOrganizationId}
            monitorIds={monitorIds}
            setMonitorIds={setMonitorIds}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput
              label={t('availability.maintenance.windowTitle')}
              required
              value={title}
              onChange={(e) => setTitle(e.currentTarget.value)}
            />
            <TextInput
              label={t('availability.maintenance.startsAt')}
              type="datetime-local"
              required
              value={startsAt}
              onChange={(e) => setStartsAt(e.currentTarget.value)}
            />
            <TextInput
              label={t('availability.maintenance.endsAt')}
              type="datetime-local"
              required
              value={endsAt}
              onChange={(e) => setEndsAt(e.currentTarget.value)}
            />
          </SimpleGrid>
          <TextInput
            label={t('availability.maintenance.rrule')}
            description={t('availability.maintenance.rruleHelp', { zone: timeZone })}
            placeholder="FREQ=WEEKLY;BYDAY=SU"
            ff="monospace"
            value={rrule}
            onChange={(e) => setRrule(e.currentTarget.value)}
          />
          <Group justify="space-between">
            <Checkbox
              label={t('availability.maintenance.announce')}
              checked={announce}
              onChange={(e) => setAnnounce(e.currentTarget.checked)}
            />
            <Button type="submit" loading={busy}>
              {t('availability.maintenance.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ExclusionForm(props: FormProps) {
  const { t } = useTranslation();
  const [scope, setScope] = useState<'organization' | 'monitors'>('monitors');
  const [organizationId, setOrganizationId] = useState<string | null>(null);
  const [monitorIds, setMonitorIds] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState<(typeof REASONS)[number]>('force-majeure');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    props.onError(null);
    call(
      api.POST('/api/v1/availability-exclusions', {
        body: {
          from: isoOf(from),
          to: isoOf(to),
          reason,
          note: note.trim(),
          ...(scope === 'organization'
            ? { organizationId: organizationId ?? '' }
            : { monitorId: monitorIds[0] ?? '' }),
        },
      }),
    )
      .then(() => {
        setNote('');
        props.onCreated();
      })
      .catch(props.onError)
      .finally(() => setBusy(false));
  };
  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="exclusion-form-title">
      <Title order={2} id="exclusion-form-title" size="h4" mb={6}>
        {t('availability.exclusions.create')}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {t('availability.exclusions.intro')}
      </Text>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <ScopeFields
            {...props}
            multiple={false}
            scope={scope}
            setScope={setScope}
            organizationId={organizationId}
            setOrganizationId={setOrganizationId}
            monitorIds={monitorIds}
            setMonitorIds={setMonitorIds}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label={t('availability.exclusions.reason')}
              required
              allowDeselect={false}
              data={REASONS.map((r) => ({ value: r, label: t(`availability.reason.${r}`) }))}
              value={reason}
              onChange={(v) => setReason((v ?? 'force-majeure') as (typeof REASONS)[number])}
            />
            <TextInput
              label={t('availability.exclusions.from')}
              type="datetime-local"
              required
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
            />
            <TextInput
              label={t('availability.exclusions.to')}
              type="datetime-local"
              required
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Textarea
            label={t('availability.exclusions.note')}
            required
            autosize
            minRows={2}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={busy}>
              {t('availability.exclusions.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
