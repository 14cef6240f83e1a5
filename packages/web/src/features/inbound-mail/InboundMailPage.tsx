import { Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { reasonKey, StaffOnly, StatusBadge, type InboundMail } from './shared.tsx';

const FILTERS = ['held', 'failed', 'all'] as const;
type Filter = (typeof FILTERS)[number];

/** `/inbound-mail`: the workspace's inbound e-mail that awaits staff, newest first. */
export function InboundMailPage() {
  return (
    <StaffOnly>
      <InboundMailList />
    </StaffOnly>
  );
}

function InboundMailList() {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const [params, setParams] = useSearchParams();
  const filter: Filter = (FILTERS as readonly string[]).includes(params.get('show') ?? '')
    ? (params.get('show') as Filter)
    : 'held';
  const [items, setItems] = useState<InboundMail[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    const query = filter === 'all' ? { limit: 200 } : { status: filter, limit: 200 };
    call(api.GET('/api/v1/inbound-mail', { params: { query } }))
      .then((d) => setItems(d.items))
      .catch(setError);
  }, [filter]);
  useEffect(load, [load]);

  return (
    <Stack gap="md">
      <Title order={1}>{t('inboundMail.title')}</Title>
      <Text size="sm">{t('inboundMail.intro')}</Text>
      <ErrorAlert error={error} />
      <Group gap="xs" role="group" aria-label={t('inboundMail.filter.label')}>
        {FILTERS.map((f) => (
          <Button
            key={f}
            size="xs"
            variant={f === filter ? 'filled' : 'default'}
            aria-pressed={f === filter}
            onClick={() => setParams(f === 'held' ? {} : { show: f }, { replace: true })}
          >
            {t(`inboundMail.filter.${f}`)}
          </Button>
        ))}
      </Group>
      <Paper withBorder p="sm">
        {items !== null && items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('inboundMail.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table data-testid="inbound-mail" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('inboundMail.columns.from')}</Table.Th>
                  <Table.Th>{t('inboundMail.columns.subject')}</Table.Th>
                  <Table.Th>{t('inboundMail.columns.receivedAt')}</Table.Th>
                  <Table.Th>{t('inboundMail.columns.why')}</Table.Th>
                  <Table.Th>{t('inboundMail.columns.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(items ?? []).map((m) => {
                  const subject =
                    m.subject === null || m.subject === '' ? t('inboundMail.noSubject') : m.subject;
                  return (
                    <Table.Tr key={m.id}>
                      <Table.Td dir="ltr" style={{ overflowWrap: 'anywhere' }}>
                        {m.from ?? m.envelopeFrom ?? t('inboundMail.unknownFrom')}
                      </Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>
                        <Anchor
                          component={Link}
                          to={`/inbound-mail/${m.id}`}
                          aria-label={t('inboundMail.open', { subject })}
                        >
                          {subject}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{formatShortInstant(m.receivedAt, locale, timeZone)}</Table.Td>
                      <Table.Td>
                        {m.status === 'held' || m.status === 'failed' ? t(reasonKey(m)) : ''}
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={m.status} />
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </Stack>
  );
}
