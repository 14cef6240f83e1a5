import { Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../api/client.ts';
import type { components, paths } from '../api/schema';
import { formatShortInstant } from '../lib/countdown.ts';
import { useSession } from '../session.tsx';

type User = components['schemas']['User'];
type Patch = NonNullable<
  paths['/api/v1/tickets/{id}']['patch']['requestBody']
>['content']['application/json'];
export type TicketEvent =
  paths['/api/v1/tickets/{id}/events']['get']['responses'][200]['content']['application/json']['items'][number];
const STATUSES = ['new', 'open', 'pending-customer', 'resolved', 'closed'] as const;

/** The ticket's details column: staff change status, priority and assignee here; everyone sees files and history. */
export function TicketSidebar(props: {
  ticket: Ticket;
  staff: boolean;
  agents: readonly User[];
  /** The workspace policy's priorities (the ticket's own is always offered). */
  priorities: readonly string[];
  events: readonly TicketEvent[];
  /** The files section (TicketFiles). */
  files: ReactNode;
  onPatch: (body: Omit<Patch, 'version'>) => unknown;
}) {
  const { t } = useTranslation();
  const { me, locale, timeZone } = useSession();
  const { ticket, staff, agents, events } = props;
  const priorities = props.priorities.includes(ticket.priority)
    ? props.priorities
    : [...props.priorities, ticket.priority];
  const patch = props.onPatch;
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Title order={2}>{t('ticket.details')}</Title>
        {staff ? (
          <>
            <Select
              label={t('ticket.status')}
              value={ticket.status}
              allowDeselect={false}
              data={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
              onChange={(s) =>
                s !== null && s !== ticket.status && void patch({ status: s as Patch['status'] })
              }
            />
            <Select
              label={t('ticket.priority')}
              value={ticket.priority}
              allowDeselect={false}
              data={priorities.map((p) => ({ value: p, label: p }))}
              onChange={(p) =>
                p !== null && p !== ticket.priority && void patch({ priority: p as Patch['priority'] })
              }
            />
            <Select
              label={t('ticket.assignee')}
              value={ticket.assigneeId}
              placeholder={t('common.unassigned')}
              clearable
              data={agents.map((a) => ({ value: a.id, label: a.name }))}
              onChange={(a) => a !== ticket.assigneeId && void patch({ assigneeId: a })}
            />
            {ticket.assigneeId !== me?.id && (
              <Button variant="light" onClick={() => void patch({ assigneeId: me?.id ?? null })}>
                {t('ticket.assignMe')}
              </Button>
            )}
          </>
        ) : null}
        <Detail
          label={t('ticket.channel')}
          value={t(`channel.${ticket.channel}`, { defaultValue: ticket.channel })}
        />
        <Detail
          label={t('ticket.category')}
          value={t(`category.${ticket.category}`, { defaultValue: ticket.category })}
        />
        <Detail label={t('ticket.plan')} value={ticket.plan} />
        <Detail label={t('tickets.created')} value={formatShortInstant(ticket.createdAt, locale, timeZone)} />
        {props.files}
        <Title order={3} mt="xs">
          {t('ticket.history')}
        </Title>
        <Stack gap={2} data-testid="history">
          {events.map((e) => (
            <Group key={e.seq} gap="xs" justify="space-between" wrap="nowrap">
              <Text size="xs" ff="monospace">
                {e.type}
              </Text>
              <Text size="xs" c="dimmed">
                {formatShortInstant(e.at, locale, timeZone)}
              </Text>
            </Group>
          ))}
        </Stack>
        {staff && (
          <Text size="xs" c="dimmed" mt="xs">
            {t('ticket.shortcuts')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function Detail({ label, value }: { label: string; value: string }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ta="end">
        {value}
      </Text>
    </Group>
  );
}
