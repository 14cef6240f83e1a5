import { Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call, type Ticket } from '../api/client.ts';
import { PriorityBadge } from '../components/badges.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { NextDeadline } from '../components/SlaClock.tsx';
import { useLiveUpdates } from '../lib/live.ts';
import { useSession } from '../session.tsx';

interface OpenCell {
  readonly priority: string;
  readonly plan: string;
  readonly tickets: number;
}

/** The server's per priority × plan counts of every open ticket, summed along one side. */
const sumBy = (cells: readonly OpenCell[], key: (c: OpenCell) => string) =>
  cells.reduce<Record<string, number>>(
    (acc, c) => ({ ...acc, [key(c)]: (acc[key(c)] ?? 0) + c.tickets }),
    {},
  );

/** The zone's wall clock at an instant, as if it were UTC (to find a zone's offset without a library). */
function wallClockMs(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return Date.UTC(
    parts['year']!,
    parts['month']! - 1,
    parts['day'],
    parts['hour'],
    parts['minute'],
    parts['second'],
  );
}

/** The first instant of the month holding `ms` in `timeZone`, and of the next month: "this month" for the reader. */
export function zonedMonth(ms: number, timeZone: string): { fromMs: number; toMs: number } {
  const wall = new Date(wallClockMs(ms, timeZone));
  const startOf = (year: number, month: number) => {
    const guess = Date.UTC(year, month, 1);
    // Midnight on the 1st in the zone: the wall-clock midnight shifted by the zone's offset at that moment.
    const offset = wallClockMs(guess, timeZone) - guess;
    const first = guess - offset;
    return first + (guess - wallClockMs(first, timeZone));
  };
  return {
    fromMs: startOf(wall.getUTCFullYear(), wall.getUTCMonth()),
    toMs: startOf(wall.getUTCFullYear(), wall.getUTCMonth() + 1),
  };
}

const HORIZONS_HOURS = [2, 4, 8] as const;

/**
 * The desk at a glance: open tickets by priority and plan (new and open, counted by the server), the clocks that fall
 * due within the next business hours (business time, as the clocks count it), and this month's breaches per
 * organization (the month in the reader's zone).
 */
export function DashboardPage() {
  const { t } = useTranslation();
  const { timeZone, locale } = useSession();
  const [items, setItems] = useState<Ticket[]>([]);
  const [openCells, setOpenCells] = useState<readonly OpenCell[]>([]);
  const [orgs, setOrgs] = useState<Record<string, string>>({});
  const [breaches, setBreaches] = useState<{ organizationId: string; tickets: number; clocks: number }[]>([]);
  const [horizon, setHorizon] = useState<number>(4);
  const [readAtMs, setReadAtMs] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    const month = zonedMonth(Date.now(), timeZone);
    Promise.all([
      // The next deadlines come from the head of the queue; the counts from the server, over every open ticket.
      call(api.GET('/api/v1/queue', { params: { query: { limit: 200 } } })),
      call(api.GET('/api/v1/tickets/open-counts')),
      call(
        api.GET('/api/v1/tickets/breaches', {
          params: {
            query: { from: new Date(month.fromMs).toISOString(), to: new Date(month.toMs).toISOString() },
          },
        }),
      ),
    ])
      .then(([queue, counts, breached]) => {
        setItems(queue.items);
        setOpenCells(counts.items);
        setBreaches(breached.items);
        setReadAtMs(Date.now());
      })
      .catch(setError);
  }, [timeZone]);
  useEffect(load, [load]);
  useLiveUpdates(load);
  useEffect(() => {
    void api
      .GET('/api/v1/organizations')
      .then(({ data }) => setOrgs(Object.fromEntries((data?.items ?? []).map((o) => [o.id, o.name]))));
  }, []);

  const counting = (tk: Ticket) =>
    tk.sla.filter((c) => (c.state === 'running' || c.state === 'breached') && c.remainingSeconds !== null);
  const atRisk = items
    .filter((tk) =>
      counting(tk).some((c) => (c.remainingSeconds ?? 0) >= 0 && (c.remainingSeconds ?? 0) <= horizon * 3600),
    )
    .sort((a, b) => soonest(a) - soonest(b));
  const overdue = items.filter((tk) => counting(tk).some((c) => (c.remainingSeconds ?? 0) < 0));
  const monthName = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone }).format(
    new Date(readAtMs || Date.now()),
  );
  return (
    <Stack gap="sm">
      <Title order={1}>{t('dashboard.title')}</Title>
      <ErrorAlert error={error} />
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Counts
          title={t('dashboard.openByPriority')}
          counts={sumBy(openCells, (c) => c.priority)}
          testId="open-by-priority"
        />
        <Counts
          title={t('dashboard.openByPlan')}
          counts={sumBy(openCells, (c) => c.plan)}
          testId="open-by-plan"
        />
        <Paper withBorder p="sm" data-testid="breaches">
          <Title order={2} mb={6}>
            {t('dashboard.breachesMonth', { month: monthName })}
          </Title>
          {breaches.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('dashboard.noBreaches')}
            </Text>
          ) : (
            <Table fz="sm" verticalSpacing={2}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('tickets.organization')}</Table.Th>
                  <Table.Th>{t('dashboard.tickets')}</Table.Th>
                  <Table.Th>{t('dashboard.clocks')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {breaches.map((b) => (
                  <Table.Tr key={b.organizationId}>
                    <Table.Td>{orgs[b.organizationId] ?? b.organizationId}</Table.Td>
                    <Table.Td>{b.tickets}</Table.Td>
                    <Table.Td>{b.clocks}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="sm" data-testid="at-risk">
        <Group justify="space-between" mb={6} gap="xs">
          <Title order={2}>{t('dashboard.atRiskWithin', { count: horizon })}</Title>
          <SegmentedControl
            size="xs"
            aria-label={t('dashboard.horizon')}
            value={String(horizon)}
            onChange={(h) => setHorizon(Number(h))}
            data={HORIZONS_HOURS.map((h) => ({
              value: String(h),
              label: t('dashboard.hours', { count: h }),
            }))}
          />
        </Group>
        <TicketList list={atRisk} readAtMs={readAtMs} empty={t('dashboard.noneAtRisk')} />
      </Paper>
      <Paper withBorder p="sm">
        <Title order={2} mb={6}>
          {t('dashboard.breached')} ({overdue.length})
        </Title>
        <TicketList list={overdue} readAtMs={readAtMs} empty={t('dashboard.noneOverdue')} />
      </Paper>
    </Stack>
  );
}

function soonest(tk: Ticket): number {
  return Math.min(
    ...tk.sla
      .filter((c) => c.state === 'running' && c.remainingSeconds !== null)
      .map((c) => c.remainingSeconds ?? Number.POSITIVE_INFINITY),
  );
}

function TicketList({ list, readAtMs, empty }: { list: readonly Ticket[]; readAtMs: number; empty: string }) {
  if (list.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  return (
    <Table verticalSpacing={4}>
      <Table.Tbody>
        {list.map((tk) => (
          <Table.Tr key={tk.id}>
            <Table.Td w={40}>
              <PriorityBadge priority={tk.priority} />
            </Table.Td>
            <Table.Td>
              <Link to={`/tickets/${tk.id}`}>{tk.subject}</Link>
            </Table.Td>
            <Table.Td>
              <NextDeadline clocks={tk.sla} readAtMs={readAtMs} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Counts({
  title,
  counts,
  testId,
}: {
  title: string;
  counts: Record<string, number>;
  testId: string;
}) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Title order={2} mb={6}>
        {title}
      </Title>
      {Object.entries(counts).length === 0 && (
        <Text size="sm" c="dimmed">
          —
        </Text>
      )}
      {Object.entries(counts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, n]) => (
          <Text size="sm" key={key}>
            {key}: <b>{n}</b>
          </Text>
        ))}
    </Paper>
  );
}
