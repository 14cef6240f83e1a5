import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { AdminOnly } from './AdminOnly.tsx';
import { StateBadge, type Tone } from './StateBadge.tsx';
import type { Webhook, WebhookDelivery } from './workspace-data.ts';

const STATUS_TONE: Record<WebhookDelivery['status'], Tone> = {
  pending: 'waiting',
  sending: 'info',
  sent: 'good',
  dead: 'bad',
};

export function DeliveriesPage() {
  return (
    <AdminOnly>
      <Deliveries />
    </AdminOnly>
  );
}

function Deliveries() {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const { id = '' } = useParams();
  const [hook, setHook] = useState<Webhook | null | undefined>(undefined);
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    Promise.all([
      call(api.GET('/api/v1/webhooks')),
      call(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id } } })),
    ])
      .then(([hooks, deliveries]) => {
        setHook(hooks.items.find((h) => h.id === id) ?? null);
        setItems(deliveries.items);
      })
      .catch((e: unknown) => {
        setHook(null);
        setError(e);
      });
  }, [id]);
  useEffect(load, [load]);
  const when = (iso: string | null) =>
    iso === null ? t('common.none') : formatShortInstant(iso, locale, timeZone);

  return (
    <Stack gap="sm">
      <div>
        <Anchor component={Link} to="/admin/webhooks" size="sm">
          {t('admin.deliveries.back')}
        </Anchor>
        <Group justify="space-between">
          <Title order={1}>{t('admin.deliveries.title')}</Title>
          <Button variant="default" onClick={load}>
            {t('common.refresh')}
          </Button>
        </Group>
        {hook && (
          <Text size="sm" ff="monospace" dir="ltr" ta="start" style={{ wordBreak: 'break-all' }}>
            {hook.url}
          </Text>
        )}
      </div>
      <Text size="sm" c="dimmed">
        {t('admin.deliveries.intro')}
      </Text>
      {hook === null && error === null && <Alert color="gray">{t('admin.deliveries.notFound')}</Alert>}
      {hook && !hook.enabled && (
        <Alert color="red" variant="light">
          {t('admin.deliveries.disabledReason', { reason: hook.disabledReason ?? t('common.none') })}
        </Alert>
      )}
      <ErrorAlert error={error} />
      <Paper withBorder p="sm" style={{ overflowX: 'auto' }}>
        <Table data-testid="deliveries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.deliveries.event')}</Table.Th>
              <Table.Th>{t('admin.deliveries.status')}</Table.Th>
              <Table.Th>{t('admin.deliveries.attempts')}</Table.Th>
              <Table.Th>{t('admin.deliveries.nextAttempt')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.deliveries.created')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.deliveries.sentAt')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.deliveries.lastError')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(items ?? []).map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>
                  <Text size="sm">
                    {t(`admin.webhooks.eventNames.${d.eventType}`, { defaultValue: d.eventType })}
                  </Text>
                  <Text size="xs" c="dimmed" ff="monospace" dir="ltr" ta="start">
                    {d.id}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <StateBadge tone={STATUS_TONE[d.status]}>
                    {t(`admin.deliveries.statuses.${d.status}`)}
                  </StateBadge>
                </Table.Td>
                <Table.Td>{d.attempts.toLocaleString(locale)}</Table.Td>
                <Table.Td>{when(d.nextAttemptAt)}</Table.Td>
                <Table.Td visibleFrom="sm">{when(d.createdAt)}</Table.Td>
                <Table.Td visibleFrom="sm">{when(d.sentAt)}</Table.Td>
                <Table.Td visibleFrom="sm" style={{ wordBreak: 'break-word' }}>
                  {d.lastError ?? t('common.none')}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {items === null && error === null && <Text c="dimmed">{t('common.loading')}</Text>}
        {items?.length === 0 && <Text c="dimmed">{t('admin.deliveries.empty')}</Text>}
      </Paper>
    </Stack>
  );
}
