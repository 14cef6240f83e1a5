import { Alert, Button, Group, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { FiguresGrid } from './FiguresGrid.tsx';
import { bodyOf, formValuesOf, MonitorForm, type MonitorFormValues } from './MonitorForm.tsx';
import { useOrganizations } from './MonitorsPage.tsx';
import { ResultsChart } from './ResultsChart.tsx';
import { StateBadge, type CheckResult, type Figures, type Monitor } from './shared.tsx';

const RANGES = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000 } as const;
type Range = keyof typeof RANGES;

/** One monitor: state, this month's figures, the results chart and the latest checks; admins edit or delete it. */
export function MonitorPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { locale, timeZone, role } = useSession();
  const navigate = useNavigate();
  const admin = role === 'admin';
  const [monitor, setMonitor] = useState<Monitor | null>(null);
  const [figures, setFigures] = useState<Figures | null>(null);
  const [results, setResults] = useState<CheckResult[]>([]);
  const [range, setRange] = useState<Range>('1h');
  const [window, setWindow] = useState(() => ({ fromMs: Date.now() - RANGES['1h'], toMs: Date.now() }));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const orgs = useOrganizations();

  const load = useCallback(() => {
    const toMs = Date.now();
    const fromMs = toMs - RANGES[range];
    setWindow({ fromMs, toMs });
    const path = { params: { path: { id } } };
    Promise.all([
      call(api.GET('/api/v1/monitors/{id}', path)),
      call(api.GET('/api/v1/monitors/{id}/availability', path)),
      call(
        api.GET('/api/v1/monitors/{id}/results', {
          params: {
            path: { id },
            query: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() },
          },
        }),
      ),
    ])
      .then(([m, f, r]) => {
        setMonitor(m);
        setFigures(f);
        setResults(r.items);
      })
      .catch(setError);
  }, [id, range]);
  useEffect(() => {
    load();
    const timer = globalThis.setInterval(load, 30_000);
    return () => globalThis.clearInterval(timer);
  }, [load]);

  const save = (values: MonitorFormValues) => {
    setBusy(true);
    setSaved(false);
    setError(null);
    call(api.PATCH('/api/v1/monitors/{id}', { params: { path: { id } }, body: bodyOf(values, true) }))
      .then((m) => {
        setMonitor(m);
        setSaved(true);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const remove = () => {
    if (!globalThis.confirm(t('availability.monitor.confirmDelete'))) return;
    call(api.DELETE('/api/v1/monitors/{id}', { params: { path: { id } } }))
      .then(() => navigate('/admin/monitors'))
      .catch(setError);
  };

  const latest = [...results].reverse().slice(0, 15);
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={1}>{monitor?.name ?? t('common.loading')}</Title>
          {monitor !== null && <StateBadge state={monitor.state} />}
        </Group>
        <Button component={Link} to={admin ? '/admin/monitors' : '/availability'} variant="subtle">
          {t('availability.monitor.back')}
        </Button>
      </Group>
      <ErrorAlert error={error} />
      {monitor?.tlsExpiresAt != null && (
        <Alert color={monitor.tlsExpiringSoon ? 'red' : 'gray'} variant="light" p="xs">
          <Text size="sm">
            {t(monitor.tlsExpiringSoon ? 'availability.monitor.tlsSoon' : 'availability.monitor.tls', {
              when: formatShortInstant(monitor.tlsExpiresAt, locale, timeZone),
            })}
          </Text>
          {monitor.tlsWarnings.map((w) => (
            <Text size="xs" c="dimmed" key={w.thresholdDays}>
              {t('availability.monitor.tlsWarned', {
                count: w.thresholdDays,
                when: formatShortInstant(w.warnedAt, locale, timeZone),
              })}
            </Text>
          ))}
        </Alert>
      )}
      {figures !== null && (
        <section aria-labelledby="monitor-month">
          <Title order={2} id="monitor-month" size="h4" mb={6}>
            {t('availability.monitor.thisMonth')}
          </Title>
          <FiguresGrid figures={figures} />
        </section>
      )}
      <Paper withBorder p="sm" component="section" aria-labelledby="monitor-results">
        <Group justify="space-between" mb={6}>
          <Title order={2} id="monitor-results" size="h4">
            {t('availability.monitor.results')}
          </Title>
          <SegmentedControl
            size="xs"
            aria-label={t('availability.monitor.range')}
            value={range}
            onChange={(v) => setRange(v as Range)}
            data={(Object.keys(RANGES) as Range[]).map((r) => ({
              value: r,
              label: t(`availability.monitor.ranges.${r}`),
            }))}
          />
        </Group>
        <ResultsChart results={results} fromMs={window.fromMs} toMs={window.toMs} />
        <Table mt="sm" data-testid="results">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('availability.monitor.at')}</Table.Th>
              <Table.Th>{t('availability.monitors.state')}</Table.Th>
              <Table.Th>{t('availability.monitor.latency')}</Table.Th>
              <Table.Th>{t('availability.monitor.detail')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {latest.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text size="sm" c="dimmed">
                    {t('availability.monitor.noResults')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {latest.map((r) => (
              <Table.Tr key={r.at}>
                <Table.Td>{formatShortInstant(r.at, locale, timeZone)}</Table.Td>
                <Table.Td>
                  <StateBadge state={r.status} />
                </Table.Td>
                <Table.Td>
                  {r.latencyMs === null
                    ? '—'
                    : new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond' }).format(
                        r.latencyMs,
                      )}
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{r.detail}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {admin && monitor !== null && (
        <Paper withBorder p="sm" component="section" aria-labelledby="monitor-settings">
          <Title order={2} id="monitor-settings" size="h4" mb={6}>
            {t('availability.monitor.settings')}
          </Title>
          {saved && (
            <Text size="sm" c="green.9" role="status" mb="xs">
              {t('common.saved')}
            </Text>
          )}
          <MonitorForm
            key={monitor.updatedAt}
            initial={formValuesOf(monitor)}
            organizations={orgs}
            busy={busy}
            onSubmit={save}
            submitLabel={t('common.save')}
          />
          <Group mt="md">
            <Button color="red" variant="light" onClick={remove}>
              {t('availability.monitor.delete')}
            </Button>
          </Group>
        </Paper>
      )}
    </Stack>
  );
}
