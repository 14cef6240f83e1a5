import { Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { durationParts, rulesFor, type PolicyShape, type Selector } from './policy-model.ts';

/** "P1DT4H" → "1 business day 4 h"; null → "—". */
export function useDurationText(): (iso: string | null) => string {
  const { t } = useTranslation();
  return (iso) => {
    if (iso === null) return t('whatif.none');
    const parts = durationParts(iso);
    if (parts === undefined) return iso;
    const out: string[] = [];
    if (parts.days > 0) out.push(t('whatif.duration.days', { count: parts.days }));
    if (parts.hours > 0) out.push(t('whatif.duration.hours', { count: parts.hours }));
    if (parts.minutes > 0) out.push(t('whatif.duration.minutes', { count: parts.minutes }));
    return out.length === 0 ? iso : out.join(' ');
  };
}

export const selectorText = (selector: Selector | undefined, all: string): string =>
  selector === undefined || selector === '*' ? all : selector.join(', ');

/** The targets as an operator reads the agreement: one row per plan × priority, one column per metric. */
export function TargetsMatrix({ policy }: { policy: PolicyShape }) {
  const { t } = useTranslation();
  const durationText = useDurationText();
  return (
    <Paper withBorder p="sm">
      <Title order={2} mb={4}>
        {t('whatif.matrix')}
      </Title>
      <Text size="xs" c="dimmed" mb={6}>
        {t('whatif.matrixHint')}
      </Text>
      <Table.ScrollContainer minWidth={640}>
        <Table striped withTableBorder data-testid="targets-matrix">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('whatif.planPriority')}</Table.Th>
              {policy.metrics.map((m) => (
                <Table.Th key={m}>{t(`metric.${m}`, { defaultValue: m })}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {policy.plans.flatMap((plan) =>
              policy.priorities.map((priority) => (
                <Table.Tr key={`${plan.id}/${priority.id}`}>
                  <Table.Th scope="row" fw={500}>
                    {plan.id} · {priority.id}
                  </Table.Th>
                  {policy.metrics.map((metric) => {
                    const rules = rulesFor(policy, plan.id, priority.id, metric);
                    return (
                      <Table.Td key={metric}>
                        {rules.length === 0 ? (
                          t('whatif.none')
                        ) : (
                          <Stack gap={0}>
                            {rules.map((rule, i) => (
                              <Text key={i} size="sm" title={rule.note}>
                                {durationText(rule.duration)}
                                {rule.categories !== undefined && rule.categories !== '*' && (
                                  <Text span size="xs" c="dimmed">
                                    {' '}
                                    {t('whatif.category', { categories: rule.categories.join(', ') })}
                                  </Text>
                                )}
                                <Text span size="xs" c="dimmed" ff="monospace">
                                  {' '}
                                  {rule.calendar}
                                </Text>
                              </Text>
                            ))}
                          </Stack>
                        )}
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              )),
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/** Escalation rules as policy data: when, for what, who is told, what is raised. */
export function EscalationsTable({ policy }: { policy: PolicyShape }) {
  const { t } = useTranslation();
  const all = t('whatif.everything');
  return (
    <Paper withBorder p="sm">
      <Title order={2} mb={6}>
        {t('whatif.escalations')}
      </Title>
      {policy.escalations.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('whatif.noEscalations')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="escalations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('whatif.at')}</Table.Th>
                <Table.Th>{t('whatif.scope')}</Table.Th>
                <Table.Th>{t('whatif.notify')}</Table.Th>
                <Table.Th>{t('whatif.raise')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {policy.escalations.map((rule, i) => (
                <Table.Tr key={i}>
                  <Table.Td>
                    {rule.at === 'breach'
                      ? t('whatif.atBreach')
                      : rule.at === 'created'
                        ? t('whatif.atCreated')
                        : t('whatif.atPercent', { percent: rule.at })}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {(rule.metrics ?? []).map((m) => t(`metric.${m}`, { defaultValue: m })).join(', ') ||
                        all}{' '}
                      · {selectorText(rule.priorities, all)} · {selectorText(rule.plans, all)}
                    </Text>
                    {rule.note !== undefined && (
                      <Text size="xs" c="dimmed" lineClamp={2} title={rule.note}>
                        {rule.note}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {rule.notify.map((who) => (
                        <Badge key={who} variant="light" size="sm" tt="none">
                          {t(`whatif.audience.${who}`, { defaultValue: who })}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{rule.raisePriority ?? t('whatif.none')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
