import {
  Anchor,
  Button,
  Checkbox,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api/client.ts';
import type { paths } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { AdminOnly } from './AdminOnly.tsx';
import { StateBadge } from './StateBadge.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { SecretOnce } from './SecretOnce.tsx';
import type { Webhook } from './workspace-data.ts';

type EventType =
  paths['/api/v1/webhooks']['post']['requestBody']['content']['application/json']['events'][number];
/** The events the server accepts (its enum, mirrored here so each gets a translated label). */
const EVENTS: readonly EventType[] = [
  'ticket.created',
  'ticket.updated',
  'ticket.commented',
  'sla.warning',
  'sla.breached',
];

export function WebhooksPage() {
  return (
    <AdminOnly>
      <Webhooks />
    </AdminOnly>
  );
}

function Webhooks() {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const [items, setItems] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const load = useCallback(() => {
    call(api.GET('/api/v1/webhooks'))
      .then((d) => setItems(d.items))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const remove = async (hook: Webhook) => {
    setError(null);
    try {
      await call(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: hook.id } } }));
      load();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Stack gap="sm">
      <Title order={1}>{t('admin.webhooks.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('admin.webhooks.intro')}
      </Text>
      {secret !== null && (
        <SecretOnce
          title={t('admin.webhooks.secretTitle')}
          body={t('admin.webhooks.secretBody')}
          label={t('admin.webhooks.secretLabel')}
          secret={secret}
          dismiss={t('admin.webhooks.dismiss')}
          onDismiss={() => setSecret(null)}
        />
      )}
      <CreateWebhook
        onCreated={(created) => {
          setSecret(created);
          load();
        }}
      />
      <ErrorAlert error={error} />
      <Paper withBorder p="sm" style={{ overflowX: 'auto' }}>
        <Table data-testid="webhooks">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.webhooks.url')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.webhooks.events')}</Table.Th>
              <Table.Th>{t('admin.webhooks.status')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.webhooks.created')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(items ?? []).map((w) => (
              <Table.Tr key={w.id}>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <Text size="sm" ff="monospace" dir="ltr" ta="start">
                    {w.url}
                  </Text>
                  {w.description !== null && (
                    <Text size="xs" c="dimmed">
                      {w.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  {w.events.map((e) => t(`admin.webhooks.eventNames.${e}`, { defaultValue: e })).join(', ')}
                </Table.Td>
                <Table.Td>
                  {w.enabled ? (
                    <StateBadge tone="good">{t('admin.webhooks.enabled')}</StateBadge>
                  ) : (
                    <>
                      <StateBadge tone="bad">
                        {t('admin.webhooks.disabledSince', {
                          when:
                            w.disabledAt === null ? '' : formatShortInstant(w.disabledAt, locale, timeZone),
                        })}
                      </StateBadge>
                      {w.disabledReason !== null && (
                        <Text size="xs" c="dimmed">
                          {w.disabledReason}
                        </Text>
                      )}
                    </>
                  )}
                </Table.Td>
                <Table.Td visibleFrom="sm">{formatShortInstant(w.createdAt, locale, timeZone)}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    <Anchor
                      component={Link}
                      to={`/admin/webhooks/${w.id}`}
                      size="sm"
                      aria-label={t('admin.webhooks.deliveriesOf', { url: w.url })}
                    >
                      {t('admin.webhooks.deliveries')}
                    </Anchor>
                    <ConfirmButton
                      label={t('admin.webhooks.remove')}
                      ariaLabel={t('admin.webhooks.removeOf', { url: w.url })}
                      question={t('admin.webhooks.confirmRemove', { url: w.url })}
                      onConfirm={() => remove(w)}
                    />
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {items === null && error === null && <Text c="dimmed">{t('common.loading')}</Text>}
        {items?.length === 0 && <Text c="dimmed">{t('admin.webhooks.empty')}</Text>}
      </Paper>
    </Stack>
  );
}

function CreateWebhook({ onCreated }: { onCreated: (secret: string) => void }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['*']);
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const created = await call(
        api.POST('/api/v1/webhooks', {
          body: {
            url: url.trim(),
            events: events as EventType[],
            ...(description.trim() === '' ? {} : { description: description.trim() }),
          },
        }),
      );
      setUrl('');
      setDescription('');
      setEvents(['*']);
      onCreated(created.secret);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const all = events.includes('*');
  return (
    <Paper withBorder p="sm" component="form" onSubmit={(e: FormEvent) => void submit(e)}>
      <Title order={2} mb="xs">
        {t('admin.webhooks.create')}
      </Title>
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing="xs">
          <TextInput
            label={t('admin.webhooks.url')}
            description={t('admin.webhooks.urlHint')}
            type="url"
            placeholder="https://"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            required
            dir="ltr"
          />
          <TextInput
            label={t('admin.webhooks.description')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            maxLength={500}
          />
        </SimpleGrid>
        <Checkbox.Group label={t('admin.webhooks.events')} value={events} onChange={setEvents} required>
          <Group gap="sm" mt={4}>
            <Checkbox value="*" label={t('admin.webhooks.allEvents')} />
            {EVENTS.map((e) => (
              <Checkbox key={e} value={e} label={t(`admin.webhooks.eventNames.${e}`)} disabled={all} />
            ))}
          </Group>
        </Checkbox.Group>
        <ErrorAlert error={error} />
        <Group>
          <Button type="submit" loading={busy} disabled={events.length === 0}>
            {t('admin.webhooks.create')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
