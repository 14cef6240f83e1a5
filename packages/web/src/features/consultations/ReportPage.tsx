import { Anchor, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatBusinessDuration } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';

interface Row {
  consultantId: string;
  consultantName: string;
  offers: number;
  acceptances: number;
  declines: number;
  expiries: number;
  medianTimeToAcceptMs: number | null;
  contactsMet: number;
  contactsMissed: number;
}
interface Report {
  month: string;
  timeZone: string;
  items: Row[];
}

/** The last twelve months, newest first, as YYYY-MM in the reader's zone. */
function recentMonths(nowMs: number): string[] {
  const d = new Date(nowMs);
  return Array.from({ length: 12 }, (_, i) => {
    const m = new Date(d.getFullYear(), d.getMonth() - i, 1);
    return `${m.getFullYear()}-${String(m.getMonth() + 1).padStart(2, '0')}`;
  });
}

/** Per consultant and month: offers, acceptances, declines, expiries, median time to accept, contacts met and late. */
export function ReportPage() {
  const { t } = useTranslation();
  const { locale } = useSession();
  const months = useMemo(() => recentMonths(Date.now()), []);
  const [month, setMonth] = useState(months[0]!);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    call(api.GET('/api/v1/consultations/report', { params: { query: { month, format: 'json' } } }))
      .then((data) => {
        setReport(data as Report);
        setError(null);
      })
      .catch(setError);
  }, [month]);
  const monthLabel = (m: string) =>
    new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(`${m}-01T12:00:00Z`),
    );
  const n = (v: number) => new Intl.NumberFormat(locale).format(v);
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Title order={1}>{t('consultations.report.title')}</Title>
        <Group align="flex-end">
          <Select
            label={t('consultations.report.month')}
            allowDeselect={false}
            value={month}
            data={months.map((m) => ({ value: m, label: monthLabel(m) }))}
            onChange={(v) => v !== null && setMonth(v)}
            w={200}
          />
          {/* Same-origin link: the session cookie signs it in; the server names the file. */}
          <Anchor href={`/api/v1/consultations/report?month=${month}&format=csv`} download size="sm" pb={8}>
            {t('consultations.report.download')}
          </Anchor>
        </Group>
      </Group>
      <ErrorAlert error={error} />
      {report !== null && (
        <Text size="xs" c="dimmed">
          {t('consultations.report.zone', { zone: report.timeZone })}
        </Text>
      )}
      {report !== null && report.items.length === 0 && (
        <Text c="dimmed" size="sm">
          {t('consultations.report.empty')}
        </Text>
      )}
      {report !== null && report.items.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped data-testid="report">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('consultations.report.consultant')}</Table.Th>
                <Table.Th ta="end">{t('consultations.report.offers')}</Table.Th>
                <Table.Th ta="end">{t('consultations.report.acceptances')}</Table.Th>
                <Table.Th ta="end">{t('consultations.report.declines')}</Table.Th>
                <Table.Th ta="end">{t('consultations.report.expiries')}</Table.Th>
                <Table.Th ta="end">{t('consultations.report.median')}</Table.Th>
                <Table.Th ta="end">{t('consultations.report.contactsMet')}</Table.Th>
                <Table.Th ta="end">{t('consultations.report.contactsMissed')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.items.map((r) => (
                <Table.Tr key={r.consultantId}>
                  <Table.Td>{r.consultantName}</Table.Td>
                  <Table.Td ta="end">{n(r.offers)}</Table.Td>
                  <Table.Td ta="end">{n(r.acceptances)}</Table.Td>
                  <Table.Td ta="end">{n(r.declines)}</Table.Td>
                  <Table.Td ta="end">{n(r.expiries)}</Table.Td>
                  <Table.Td ta="end">
                    {r.medianTimeToAcceptMs === null
                      ? t('common.none')
                      : formatBusinessDuration(r.medianTimeToAcceptMs / 1000, locale)}
                  </Table.Td>
                  <Table.Td ta="end">{n(r.contactsMet)}</Table.Td>
                  <Table.Td ta="end" c={r.contactsMissed > 0 ? 'red.9' : undefined}>
                    {n(r.contactsMissed)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
