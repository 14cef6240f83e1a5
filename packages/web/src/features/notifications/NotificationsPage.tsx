import { Anchor, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useLiveUpdates } from '../../lib/live.ts';
import { useSession } from '../../session.tsx';
import { notificationTarget } from './notification-target.ts';
import { PreferencesMatrix } from './PreferencesMatrix.tsx';
import { ProfileSettings } from './ProfileSettings.tsx';
import { PushOptIn } from './PushOptIn.tsx';

type Notification = components['schemas']['Notification'];

/** `/notifications`: the user's notifications (live), what reaches them and how, push, language and zone. */
export function NotificationsPage() {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    call(api.GET('/api/v1/notifications', { params: { query: { limit: 100 } } }))
      .then((d) => setItems(d.items))
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  useLiveUpdates(load);

  const markRead = (id: string) =>
    call(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } }))
      .then(load)
      .catch(setError);
  const date = (iso: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
      new Date(iso),
    );

  return (
    <Stack gap="md">
      <Title order={1}>{t('notifications.title')}</Title>
      <ErrorAlert error={error} />
      <Paper withBorder p="sm" component="section" aria-labelledby="notifications-list">
        <Title order={2} size="h4" id="notifications-list" mb="xs">
          {t('notifications.list.title')}
        </Title>
        {items !== null && items.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('notifications.list.empty')}
          </Text>
        )}
        <Stack
          gap={0}
          component="ul"
          data-testid="notifications"
          style={{ listStyle: 'none', padding: 0, margin: 0 }}
        >
          {(items ?? []).map((n) => (
            <Group
              key={n.id}
              component="li"
              justify="space-between"
              wrap="wrap"
              gap="xs"
              py={6}
              style={{ borderBlockEnd: '1px solid var(--mantine-color-gray-2)' }}
            >
              <Stack gap={2} style={{ minWidth: 0 }}>
                <Group gap="xs" wrap="nowrap">
                  {n.readAt === null && (
                    <Badge size="xs" color="blue.8" variant="filled" style={{ flexShrink: 0 }}>
                      {t('notifications.list.unread')}
                    </Badge>
                  )}
                  {n.ticketId === null && n.consultationId === null ? (
                    <Text size="sm" fw={n.readAt === null ? 600 : 400}>
                      {n.title}
                    </Text>
                  ) : (
                    <Anchor
                      component={Link}
                      to={notificationTarget(n)}
                      size="sm"
                      fw={n.readAt === null ? 600 : 400}
                    >
                      {n.title}
                    </Anchor>
                  )}
                </Group>
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {n.body}
                </Text>
                <Text size="xs" c="dimmed">
                  <time dateTime={n.createdAt}>{date(n.createdAt)}</time>
                </Text>
              </Stack>
              {n.readAt === null && (
                <Button
                  size="compact-xs"
                  variant="default"
                  aria-label={t('notifications.list.markReadOf', { title: n.title })}
                  onClick={() => void markRead(n.id)}
                >
                  {t('notifications.list.markRead')}
                </Button>
              )}
            </Group>
          ))}
        </Stack>
      </Paper>
      <PreferencesMatrix />
      <PushOptIn />
      <ProfileSettings />
    </Stack>
  );
}
