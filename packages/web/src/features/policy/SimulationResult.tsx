import { Alert, Anchor, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { components } from '../../api/schema';
import { useSession } from '../../session.tsx';

export type Simulation = components['schemas']['PolicySimulation'];
type Counts = Simulation['current'];

/** Green when the draft has fewer breaches (or more met), red when it has more. */
function tone(current: number, proposed: number, moreIsBetter: boolean | null): string | undefined {
  if (current === proposed || moreIsBetter === null) return undefined;
  return proposed > current === moreIsBetter ? 'teal.9' : 'red.9';
}

function Figure({
  label,
  current,
  proposed,
  moreIsBetter,
  testId,
}: {
  label: string;
  current: number;
  proposed: number;
  /** null: neither better nor worse (more clocks running is only what fewer breaches leaves). */
  moreIsBetter: boolean | null;
  testId: string;
}) {
  const { t } = useTranslation();
  const color = tone(current, proposed, moreIsBetter);
  return (
    <Paper withBorder p="xs" miw={150}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Group gap={6} align="baseline">
        <Text
          size="lg"
          data-testid={`${testId}-current`}
          aria-label={`${label}, ${t('whatif.result.current')}`}
        >
          {current}
        </Text>
        <Text size="sm" c="dimmed" aria-hidden>
          →
        </Text>
        <Text
          size="lg"
          fw={700}
          c={color}
          data-testid={`${testId}-proposed`}
          aria-label={`${label}, ${t('whatif.result.proposed')}`}
        >
          {proposed}
        </Text>
      </Group>
    </Paper>
  );
}

function CountsCell({ counts, other, strong }: { counts: Counts; other: Counts; strong: boolean }) {
  const { t } = useTranslation();
  const differs =
    counts.breached !== other.breached || counts.met !== other.met || counts.running !== other.running;
  return (
    <Table.Td
      fw={strong && differs ? 700 : undefined}
      c={strong ? tone(other.breached, counts.breached, false) : undefined}
    >
      {t('whatif.result.counts', { met: counts.met, breached: counts.breached, running: counts.running })}
    </Table.Td>
  );
}

/** Current vs proposed: the totals, the table per plan × priority × metric, the tickets whose clocks move. */
export function SimulationResult({ result }: { result: Simulation }) {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const when = (at: string | null) =>
    at === null
      ? t('whatif.result.noDue')
      : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
          new Date(at),
        );
  const hours = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'always' });
  const state = (s: string | null) => (s === null ? t('whatif.none') : t(`whatif.result.states.${s}`));
  const cells = result.cells.filter((c) => c.current.clocks + c.proposed.clocks > 0);
  return (
    <Paper withBorder p="sm" data-testid="simulation-result">
      <Stack gap="sm">
        <div>
          <Title order={3} size="h4">
            {t('whatif.result.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('whatif.result.summary', { tickets: result.tickets, at: when(result.at) })}
          </Text>
        </div>
        <Group gap="xs">
          <Figure
            label={t('whatif.result.breaches')}
            current={result.current.breached}
            proposed={result.proposed.breached}
            moreIsBetter={false}
            testId="breaches"
          />
          <Figure
            label={t('whatif.result.met')}
            current={result.current.met}
            proposed={result.proposed.met}
            moreIsBetter
            testId="met"
          />
          <Figure
            label={t('whatif.result.running')}
            current={result.current.running}
            proposed={result.proposed.running}
            moreIsBetter={null}
            testId="running"
          />
          <Paper withBorder p="xs" miw={150}>
            <Text size="xs" c="dimmed">
              {t('whatif.result.changedClocks')}
            </Text>
            <Text size="lg" fw={700} data-testid="changed-clocks">
              {result.changedClocks}
            </Text>
          </Paper>
        </Group>
        {result.skipped.count > 0 && (
          <Alert color="orange" variant="light" p="xs" role="status">
            {t('whatif.result.skipped', { count: result.skipped.count })}
            {result.skipped.tickets.slice(0, 5).map((s) => (
              <Text key={s.ticketId} size="xs" ff="monospace">
                {s.code}: {s.message}
              </Text>
            ))}
          </Alert>
        )}
        <Title order={4} size="h5">
          {t('whatif.result.cells')}
        </Title>
        <Table.ScrollContainer minWidth={720}>
          <Table striped withTableBorder data-testid="simulation-cells">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('whatif.result.plan')}</Table.Th>
                <Table.Th>{t('whatif.result.priority')}</Table.Th>
                <Table.Th>{t('whatif.result.metric')}</Table.Th>
                <Table.Th>{t('whatif.result.current')}</Table.Th>
                <Table.Th>{t('whatif.result.proposed')}</Table.Th>
                <Table.Th>{t('whatif.result.changes')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cells.map((c) => (
                <Table.Tr
                  key={`${c.plan}/${c.priority}/${c.metric}`}
                  bg={c.changed > 0 ? 'var(--mantine-color-yellow-light)' : undefined}
                >
                  <Table.Td>{c.plan}</Table.Td>
                  <Table.Td>{c.priority}</Table.Td>
                  <Table.Td>{t(`metric.${c.metric}`, { defaultValue: c.metric })}</Table.Td>
                  <CountsCell counts={c.current} other={c.proposed} strong={false} />
                  <CountsCell counts={c.proposed} other={c.current} strong />
                  <Table.Td fw={c.changed > 0 ? 700 : undefined}>{c.changed}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Title order={4} size="h5">
          {t('whatif.result.tickets')}
        </Title>
        {result.changed.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('whatif.result.noChange')}
          </Text>
        ) : (
          <>
            <Text size="xs" c="dimmed">
              {t('whatif.result.ticketsHint', {
                shown: Math.min(result.changed.length, 100),
                total: result.changedClocks,
              })}
            </Text>
            <Table.ScrollContainer minWidth={720}>
              <Table striped data-testid="changed-tickets">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('whatif.result.ticket')}</Table.Th>
                    <Table.Th>{t('whatif.result.metric')}</Table.Th>
                    <Table.Th>{t('whatif.result.currentDue')}</Table.Th>
                    <Table.Th>{t('whatif.result.proposedDue')}</Table.Th>
                    <Table.Th>{t('whatif.result.state')}</Table.Th>
                    <Table.Th>{t('whatif.result.moved')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {result.changed.slice(0, 100).map((c) => (
                    <Table.Tr key={`${c.ticketId}/${c.metric}`}>
                      <Table.Td>
                        <Anchor component={Link} to={`/tickets/${c.ticketId}`} ff="monospace" size="sm">
                          {c.ticketId.slice(0, 8)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{t(`metric.${c.metric}`, { defaultValue: c.metric })}</Table.Td>
                      <Table.Td>{when(c.currentDueAt)}</Table.Td>
                      <Table.Td>{when(c.proposedDueAt)}</Table.Td>
                      <Table.Td fw={c.currentState !== c.proposedState ? 700 : undefined}>
                        {state(c.currentState)} → {state(c.proposedState)}
                      </Table.Td>
                      <Table.Td>
                        {c.movedMs === null ? t('whatif.none') : `${hours.format(c.movedMs / 3_600_000)} h`}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Paper>
  );
}
