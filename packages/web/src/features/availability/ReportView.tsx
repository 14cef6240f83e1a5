import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { FiguresGrid } from './FiguresGrid.tsx';
import { downloadReport, formatMonth, formatPercent, type OrgAvailability } from './shared.tsx';

/** The report's JSON (the API declares it as an open object: its shape is report.service.ts's). */
interface Report {
  organization: { id: string; name: string };
  month: string;
  timeZone: string;
  availability: OrgAvailability;
  incidents: { ticketId: string; subject: string; priority: string; status: string; openedAt: string }[];
  tickets: {
    id: string;
    subject: string;
    priority: string;
    status: string;
    channel: string;
    createdAt: string;
    clocks: { metric: string; state: string; dueAt: string | null; breachedAt: string | null }[];
  }[];
  breaches: { ticketId: string; metric: string; breachedAt: string | null }[];
  maintenance: { title: string; startsAt: string; endsAt: string }[];
  exclusions: { id: string; reason: string; note: string; from: string; to: string }[];
}

/** One organization's monthly SLA report: figures, incidents, tickets, maintenance, exclusions, and its files. */
export function ReportView({ organizationId, month }: { organizationId: string; month: string }) {
  const { t } = useTranslation();
  const { locale, timeZone, language } = useSession();
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'csv' | 'pdf' | null>(null);
  useEffect(() => {
    setReport(null);
    setError(null);
    call(api.GET('/api/v1/reports/sla', { params: { query: { organizationId, month, format: 'json' } } }))
      .then((r) => setReport(r as unknown as Report))
      .catch(setError);
  }, [organizationId, month]);
  const download = (format: 'csv' | 'pdf') => {
    setBusy(format);
    downloadReport(organizationId, month, format, language)
      .catch(setError)
      .finally(() => setBusy(null));
  };
  const when = (iso: string | null) => (iso === null ? '—' : formatShortInstant(iso, locale, timeZone));
  return (
    <Stack gap="sm" data-testid="sla-report">
      <Group justify="space-between">
        <Title order={2} size="h3">
          {report === null
            ? formatMonth(month, locale)
            : t('availability.report.heading', {
                name: report.organization.name,
                month: formatMonth(month, locale),
              })}
        </Title>
        <Group gap="xs">
          <Button variant="light" size="xs" loading={busy === 'csv'} onClick={() => download('csv')}>
            {t('availability.report.csv')}
          </Button>
          <Button variant="light" size="xs" loading={busy === 'pdf'} onClick={() => download('pdf')}>
            {t('availability.report.pdf')}
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={error} />
      {report !== null && (
        <>
          <FiguresGrid figures={report.availability} />
          <Paper withBorder p="sm">
            <Title order={3} size="h5" mb={6}>
              {t('availability.report.sites')}
            </Title>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('availability.form.name')}</Table.Th>
                  <Table.Th>{t('availability.figures.availability')}</Table.Th>
                  <Table.Th>{t('availability.report.target')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.availability.monitors.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      <Link to={`/monitors/${m.id}`}>{m.name}</Link>
                    </Table.Td>
                    <Table.Td>{formatPercent(m.availability, locale, 3)}</Table.Td>
                    <Table.Td>
                      {formatPercent(m.target, locale, 1)}{' '}
                      {m.met !== null && (
                        <Badge color={m.met ? '#1e6b34' : 'red.9'} variant="outline" radius="sm" tt="none">
                          {m.met ? t('availability.report.met') : t('availability.report.missed')}
                        </Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          <Paper withBorder p="sm">
            <Title order={3} size="h5" mb={6}>
              {t('availability.report.tickets', {
                count: report.tickets.length,
                breaches: report.breaches.length,
              })}
            </Title>
            {report.tickets.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('availability.report.noTickets')}
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={600}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('availability.report.subject')}</Table.Th>
                      <Table.Th>{t('availability.report.priority')}</Table.Th>
                      <Table.Th>{t('availability.report.opened')}</Table.Th>
                      <Table.Th>{t('availability.report.clocks')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {report.tickets.map((ticket) => (
                      <Table.Tr key={ticket.id}>
                        <Table.Td>
                          <Link to={`/tickets/${ticket.id}`}>{ticket.subject}</Link>
                          {ticket.channel === 'monitoring' && (
                            <Text size="xs" c="dimmed">
                              {t('availability.report.monitoring')}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{ticket.priority}</Table.Td>
                        <Table.Td>{when(ticket.createdAt)}</Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            {ticket.clocks.map((c) => (
                              <Badge
                                key={c.metric}
                                variant="outline"
                                radius="sm"
                                tt="none"
                                color={
                                  c.state === 'breached' ? 'red.9' : c.state === 'met' ? '#1e6b34' : 'gray.7'
                                }
                              >
                                {c.metric}: {c.state}
                              </Badge>
                            ))}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Paper>
          <Group grow align="flex-start">
            <Paper withBorder p="sm">
              <Title order={3} size="h5" mb={6}>
                {t('availability.report.maintenance')}
              </Title>
              {report.maintenance.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t('availability.report.none')}
                </Text>
              )}
              {report.maintenance.map((m) => (
                <Text key={`${m.title}-${m.startsAt}`} size="sm">
                  {m.title} — {t('availability.range', { from: when(m.startsAt), to: when(m.endsAt) })}
                </Text>
              ))}
            </Paper>
            <Paper withBorder p="sm">
              <Title order={3} size="h5" mb={6}>
                {t('availability.report.exclusions')}
              </Title>
              {report.exclusions.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t('availability.report.none')}
                </Text>
              )}
              {report.exclusions.map((e) => (
                <Text key={e.id} size="sm">
                  {t(`availability.reason.${e.reason}`)} —{' '}
                  {t('availability.range', { from: when(e.from), to: when(e.to) })}: {e.note}
                </Text>
              ))}
            </Paper>
          </Group>
        </>
      )}
    </Stack>
  );
}
