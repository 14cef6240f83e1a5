import { Button, Group, MultiSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, call, type Ticket } from '../api/client.ts';
import { PriorityBadge, StatusBadge } from '../components/badges.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { NextDeadline } from '../components/SlaClock.tsx';
import { formatShortInstant } from '../lib/countdown.ts';
import { useLiveUpdates } from '../lib/live.ts';
import { searchable } from '../lib/queue-filters.ts';
import { useSession } from '../session.tsx';

export function TicketsPage() {
  const { t } = useTranslation();
  const { role, locale, timeZone } = useSession();
  const navigate = useNavigate();
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [readAtMs, setReadAtMs] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string[]>([]);
  useEffect(() => {
    const timer = setTimeout(() => setQ(searchable(text) ? text.trim().slice(0, 200) : ''), 300);
    return () => clearTimeout(timer);
  }, [text]);
  const load = useCallback(() => {
    const query = {
      sort: '-createdAt' as const,
      limit: 100,
      ...(q === '' ? {} : { q }),
      ...(status.length === 0 ? {} : { status: status.join(',') }),
    };
    call(api.GET('/api/v1/tickets', { params: { query: query as never } }))
      .then((data) => {
        setTickets(data.items);
        setReadAtMs(Date.now());
      })
      .catch(setError);
  }, [q, status]);
  useEffect(load, [load]);
  useLiveUpdates(load);

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1}>{role === 'client' ? t('tickets.title') : t('tickets.allTitle')}</Title>
        <Button component={Link} to="/tickets/new" size="xs">
          {role === 'client' ? t('nav.newTicket') : t('tickets.fileForClient')}
        </Button>
      </Group>
      <Group gap="xs" align="flex-end">
        <TextInput
          size="xs"
          w={260}
          label={t('common.search')}
          placeholder={t('tickets.search')}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
        <MultiSelect
          size="xs"
          w={260}
          label={t('tickets.statusFilter')}
          value={status}
          onChange={setStatus}
          data={['new', 'open', 'pending-customer', 'resolved', 'closed'].map((s) => ({
            value: s,
            label: t(`status.${s}`),
          }))}
        />
      </Group>
      <ErrorAlert error={error} />
      {tickets !== null && tickets.length === 0 && (
        <Text c="dimmed">{q === '' && status.length === 0 ? t('tickets.empty') : t('tickets.noMatch')}</Text>
      )}
      {tickets !== null && tickets.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('tickets.priority')}</Table.Th>
                <Table.Th>{t('tickets.subject')}</Table.Th>
                <Table.Th>{t('tickets.status')}</Table.Th>
                <Table.Th>{t('tickets.nextDeadline')}</Table.Th>
                <Table.Th>{t('tickets.created')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tickets.map((ticket) => (
                <Table.Tr
                  key={ticket.id}
                  className="clickable-row"
                  onClick={() => void navigate(`/tickets/${ticket.id}`)}
                >
                  <Table.Td>
                    <PriorityBadge priority={ticket.priority} />
                  </Table.Td>
                  <Table.Td>
                    <Link to={`/tickets/${ticket.id}`} onClick={(e) => e.stopPropagation()}>
                      {ticket.subject}
                    </Link>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={ticket.status} />
                  </Table.Td>
                  <Table.Td>
                    <NextDeadline clocks={ticket.sla} readAtMs={readAtMs} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {formatShortInstant(ticket.createdAt, locale, timeZone)}
                    </Text>
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
