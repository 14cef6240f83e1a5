import { Alert, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { MonthSelect } from './ReportsPage.tsx';
import { ReportView } from './ReportView.tsx';
import { recentMonths, StateBadge, type Monitor } from './shared.tsx';

type Window = components['schemas']['MaintenanceWindow'];

/** Client: the availability of their own sites, open incidents, announced maintenance and the monthly report. */
export function ClientAvailabilityPage() {
  const { t } = useTranslation();
  const { me, locale, timeZone } = useSession();
  const organizationId = me?.current?.organizationId ?? null;
  const months = recentMonths(Date.now(), timeZone);
  const [month, setMonth] = useState(months[0]!);
  const [monitors, setMonitors] = useState<Monitor[]>([]);
  const [windows, setWindows] = useState<Window[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    Promise.all([call(api.GET('/api/v1/monitors')), call(api.GET('/api/v1/maintenance-windows'))])
      .then(([m, w]) => {
        setMonitors(m.items);
        const nowMs = Date.now();
        setWindows(w.items.filter((x) => Date.parse(x.endsAt) > nowMs || x.recurrence !== null));
      })
      .catch(setError);
  }, []);
  const when = (iso: string) => formatShortInstant(iso, locale, timeZone);
  const incidents = monitors.flatMap((m) =>
    [m.outageTicketId, m.slowTicketId]
      .filter((id): id is string => id !== null)
      .map((ticketId) => ({ m, ticketId })),
  );
  return (
    <Stack gap="sm">
      <Title order={1}>{t('availability.client.title')}</Title>
      <ErrorAlert error={error} />
      {incidents.length > 0 && (
        <Alert color="red" variant="light" title={t('availability.client.incidents')}>
          <Stack gap={2}>
            {incidents.map(({ m, ticketId }) => (
              <Text key={ticketId} size="sm">
                {m.name} — <Link to={`/tickets/${ticketId}`}>{t('availability.client.ticket')}</Link>
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      <Paper withBorder p="sm" component="section" aria-labelledby="client-sites">
        <Title order={2} id="client-sites" size="h4" mb={6}>
          {t('availability.client.sites')}
        </Title>
        {monitors.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('availability.client.noSites')}
          </Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('availability.form.name')}</Table.Th>
                <Table.Th>{t('availability.monitors.state')}</Table.Th>
                <Table.Th>{t('availability.monitors.lastCheck')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {monitors.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    <Link to={`/monitors/${m.id}`}>{m.name}</Link>
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={m.state} />
                  </Table.Td>
                  <Table.Td>{m.lastCheckAt === null ? '—' : when(m.lastCheckAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <Paper withBorder p="sm" component="section" aria-labelledby="client-maintenance">
        <Title order={2} id="client-maintenance" size="h4" mb={6}>
          {t('availability.client.maintenance')}
        </Title>
        {windows.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('availability.status.noMaintenance')}
          </Text>
        ) : (
          windows.map((w) => (
            <Text key={w.id} size="sm">
              <b>{w.title}</b> — {t('availability.range', { from: when(w.startsAt), to: when(w.endsAt) })}
              {w.recurrence !== null && ` (${t('availability.client.recurring')})`}
            </Text>
          ))
        )}
      </Paper>
      {organizationId !== null && (
        <Paper withBorder p="sm">
          <Group mb="sm">
            <MonthSelect months={months} month={month} setMonth={setMonth} locale={locale} />
          </Group>
          <ReportView organizationId={organizationId} month={month} />
        </Paper>
      )}
    </Stack>
  );
}
