import { Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { DeadlineText, nameOf, StateBadge, useConsultationRefresh, type Consultation } from './parts.tsx';

const STATES = ['offered', 'open', 'accepted', 'contacted', 'closed', 'cancelled'] as const;
type State = (typeof STATES)[number];

/** A client's own requests; a consultant's offered and taken ones; every request for the desk. */
export function ConsultationsPage() {
  const { t } = useTranslation();
  const { role } = useSession();
  const [items, setItems] = useState<Consultation[] | null>(null);
  const [readAtMs, setReadAtMs] = useState(0);
  const [state, setState] = useState<State | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    call(
      api.GET('/api/v1/consultations', {
        params: { query: { limit: 200, ...(state === null ? {} : { state }) } },
      }),
    )
      .then((data) => {
        setItems(data.items);
        setReadAtMs(Date.now());
        setError(null);
      })
      .catch(setError);
  }, [state]);
  useEffect(load, [load]);
  useConsultationRefresh(load);

  const title =
    role === 'client'
      ? t('consultations.list.titleClient')
      : role === 'consultant'
        ? t('consultations.list.titleConsultant')
        : t('consultations.list.titleStaff');
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1}>{title}</Title>
        {role === 'client' && (
          <Button component={Link} to="/consultations/new">
            {t('consultations.nav.request')}
          </Button>
        )}
        {role === 'consultant' && (
          <Button component={Link} to="/consultations/board" variant="light">
            {t('consultations.nav.board')}
          </Button>
        )}
        {(role === 'admin' || role === 'agent') && (
          <Select
            label={t('consultations.list.filter')}
            w={220}
            clearable
            value={state}
            placeholder={t('common.all')}
            data={STATES.map((s) => ({ value: s, label: t(`consultations.state.${s}`) }))}
            onChange={(v) => setState(v as State | null)}
          />
        )}
      </Group>
      <ErrorAlert error={error} />
      {items !== null && role === 'consultant' ? (
        <>
          <Title order={2} size="h4">
            {t('consultations.list.offeredTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('consultations.list.offeredHint')}
          </Text>
          <RequestTable
            items={items.filter((c) => c.state === 'offered')}
            readAtMs={readAtMs}
            onExpired={load}
            testId="offered"
          />
          <Title order={2} size="h4" mt="md">
            {t('consultations.list.takenTitle')}
          </Title>
          <RequestTable
            items={items.filter((c) => c.state !== 'offered')}
            readAtMs={readAtMs}
            onExpired={load}
            testId="taken"
          />
        </>
      ) : (
        items !== null && (
          <RequestTable items={items} readAtMs={readAtMs} onExpired={load} testId="consultations" />
        )
      )}
    </Stack>
  );
}

function RequestTable({
  items,
  readAtMs,
  onExpired,
  testId,
}: {
  items: Consultation[];
  readAtMs: number;
  onExpired: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const { role, locale, timeZone } = useSession();
  const navigate = useNavigate();
  if (items.length === 0)
    return (
      <Text c="dimmed" size="sm" data-testid={testId}>
        {t('consultations.list.empty')}
      </Text>
    );
  const staff = role === 'admin' || role === 'agent';
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table highlightOnHover data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('consultations.list.subject')}</Table.Th>
            <Table.Th>{t('consultations.list.state')}</Table.Th>
            {role !== 'consultant' && <Table.Th>{t('consultations.list.consultant')}</Table.Th>}
            {(staff || role === 'consultant') && <Table.Th>{t('consultations.list.client')}</Table.Th>}
            <Table.Th>{t('consultations.list.deadline')}</Table.Th>
            <Table.Th>{t('consultations.list.created')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((c) => (
            <Table.Tr
              key={c.id}
              className="clickable-row"
              onClick={() => void navigate(`/consultations/${c.id}`)}
            >
              <Table.Td>
                <Link to={`/consultations/${c.id}`} onClick={(e) => e.stopPropagation()}>
                  {c.subject}
                </Link>
                <Text size="xs" c="dimmed">
                  {c.specialty}
                </Text>
              </Table.Td>
              <Table.Td>
                <StateBadge state={c.state} />
              </Table.Td>
              {role !== 'consultant' && (
                <Table.Td>
                  <Text size="sm">
                    {c.consultantId === null
                      ? t('consultations.list.board')
                      : nameOf(c, c.consultantId, t('common.none'))}
                  </Text>
                </Table.Td>
              )}
              {(staff || role === 'consultant') && (
                <Table.Td>
                  <Text size="sm">{nameOf(c, c.clientId, t('common.none'))}</Text>
                </Table.Td>
              )}
              <Table.Td>
                <DeadlineText request={c} readAtMs={readAtMs} onExpired={onExpired} size="xs" />
              </Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  {formatShortInstant(c.createdAt, locale, timeZone)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
