import {
  ActionIcon,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDurationText, selectorText } from './PolicyOverview.tsx';
import type { CalendarEdit, PolicyShape } from './policy-model.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** The draft's targets: one input per rule of the policy in force, the readable duration beside it. */
export function DraftTargets({
  policy,
  durations,
  onChange,
}: {
  policy: PolicyShape;
  durations: Readonly<Record<number, string>>;
  onChange(index: number, value: string): void;
}) {
  const { t } = useTranslation();
  const durationText = useDurationText();
  const all = t('whatif.everything');
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped data-testid="draft-targets">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('policy.metric')}</Table.Th>
            <Table.Th>{t('policy.plans')}</Table.Th>
            <Table.Th>{t('policy.priorities')}</Table.Th>
            <Table.Th>{t('policy.calendar')}</Table.Th>
            <Table.Th>{t('policy.duration')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {policy.targets.map((rule, i) => {
            const live = rule.duration ?? '';
            const value = durations[i] ?? live;
            const changed = value !== live;
            const metric = t(`metric.${rule.metric}`, { defaultValue: rule.metric });
            const categories =
              rule.categories === undefined || rule.categories === '*'
                ? ''
                : ` · ${rule.categories.join(', ')}`;
            const maintenance =
              rule.maintenanceContract === true ? ' · +M' : rule.maintenanceContract === false ? ' · −M' : '';
            return (
              <Table.Tr key={i}>
                <Table.Td>
                  {metric}
                  <Text span size="xs" c="dimmed">
                    {categories}
                    {maintenance}
                  </Text>
                </Table.Td>
                <Table.Td>{selectorText(rule.plans, all)}</Table.Td>
                <Table.Td>{selectorText(rule.priorities, all)}</Table.Td>
                <Table.Td ff="monospace">{rule.calendar}</Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <TextInput
                      size="xs"
                      w={110}
                      ff="monospace"
                      aria-label={
                        t('whatif.draft.targetLabel', {
                          metric,
                          plans: selectorText(rule.plans, all),
                          priorities: selectorText(rule.priorities, all),
                        }) +
                        categories +
                        maintenance
                      }
                      placeholder={t('whatif.none')}
                      value={value}
                      onChange={(e) => onChange(i, e.currentTarget.value.trim())}
                      styles={changed ? { input: { fontWeight: 700 } } : undefined}
                    />
                    <Text size="xs" c={changed ? 'blue.9' : 'dimmed'}>
                      {value === '' ? t('whatif.none') : durationText(value)}
                      {changed && ` (${t('whatif.draft.changed')})`}
                    </Text>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The draft's calendar edits: a closed date, or opening hours added on a weekday (a Saturday morning). */
export function DraftCalendars({
  keys,
  edits,
  onChange,
}: {
  keys: readonly string[];
  edits: Readonly<Record<string, CalendarEdit>>;
  onChange(key: string, edit: CalendarEdit): void;
}) {
  const { t } = useTranslation();
  const [chosen, setKey] = useState<string | null>(null);
  // The keys arrive after the first render: the first one is chosen until the admin picks another.
  const key = chosen ?? keys[0] ?? null;
  const [date, setDate] = useState('');
  const [day, setDay] = useState<string | null>('sat');
  const [from, setFrom] = useState('09:00');
  const [to, setTo] = useState('12:00');
  const editOf = (k: string): CalendarEdit => edits[k] ?? { closed: [], hours: [] };
  const items = Object.entries(edits).flatMap(([k, edit]) => [
    ...edit.closed.map((d) => ({
      id: `${k}/closed/${d}`,
      text: t('whatif.draft.closedItem', { calendar: k, date: d }),
      remove: () => onChange(k, { ...edit, closed: edit.closed.filter((x) => x !== d) }),
    })),
    ...edit.hours.map((h, i) => ({
      id: `${k}/hours/${i}`,
      text: t('whatif.draft.hoursItem', { calendar: k, day: t(`days.${h[0]}`), from: h[1], to: h[2] }),
      remove: () => onChange(k, { ...edit, hours: edit.hours.filter((_, j) => j !== i) }),
    })),
  ]);
  if (keys.length === 0) return null;
  return (
    <Paper withBorder p="sm">
      <Title order={3} size="h5" mb={6}>
        {t('whatif.draft.calendars')}
      </Title>
      <Stack gap="xs">
        <Group align="end" gap="xs">
          <Select
            size="xs"
            w={200}
            label={t('whatif.draft.calendar')}
            data={[...keys]}
            value={key}
            onChange={setKey}
            allowDeselect={false}
          />
          <TextInput
            size="xs"
            type="date"
            label={t('whatif.draft.closeDate')}
            value={date}
            onChange={(e) => setDate(e.currentTarget.value)}
          />
          <Button
            size="xs"
            variant="default"
            disabled={key === null || !/^\d{4}-\d{2}-\d{2}$/.test(date)}
            onClick={() => {
              if (key === null) return;
              const edit = editOf(key);
              if (!edit.closed.includes(date)) onChange(key, { ...edit, closed: [...edit.closed, date] });
            }}
          >
            {t('whatif.draft.addClosed')}
          </Button>
        </Group>
        <Group align="end" gap="xs">
          <Select
            size="xs"
            w={140}
            label={t('whatif.draft.openDay')}
            data={DAYS.map((d) => ({ value: d, label: t(`days.${d}`) }))}
            value={day}
            onChange={setDay}
            allowDeselect={false}
          />
          <TextInput
            size="xs"
            w={90}
            label={t('whatif.draft.openFrom')}
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
          />
          <TextInput
            size="xs"
            w={90}
            label={t('whatif.draft.openTo')}
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
          />
          <Button
            size="xs"
            variant="default"
            disabled={key === null || day === null || !TIME.test(from) || !TIME.test(to)}
            onClick={() => {
              if (key === null || day === null) return;
              const edit = editOf(key);
              onChange(key, { ...edit, hours: [...edit.hours, [day, from, to]] });
            }}
          >
            {t('whatif.draft.addHours')}
          </Button>
        </Group>
        {items.length > 0 && (
          <Stack gap={2} data-testid="draft-calendar-edits">
            {items.map((item) => (
              <Group key={item.id} gap={4}>
                <Text size="sm">{item.text}</Text>
                <ActionIcon
                  size="sm"
                  variant="subtle"
                  color="gray"
                  aria-label={`${t('whatif.draft.remove')}: ${item.text}`}
                  onClick={item.remove}
                >
                  ×
                </ActionIcon>
              </Group>
            ))}
            <Text size="xs" c="dimmed">
              {t('whatif.draft.calendarNote')}
            </Text>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
