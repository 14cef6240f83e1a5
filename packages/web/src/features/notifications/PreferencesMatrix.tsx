import { Button, Checkbox, Group, Paper, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

type Preference = components['schemas']['NotificationPreference'];
const CHANNELS = ['email', 'in-app', 'push'] as const;

/** Event types × channels, each a checkbox; P1 breaches are locked on for staff (the server refuses otherwise). */
export function PreferencesMatrix() {
  const { t } = useTranslation();
  const [items, setItems] = useState<Preference[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    call(api.GET('/api/v1/me/notification-preferences'))
      .then((d) => setItems(d.items))
      .catch(setError);
  }, []);
  const events = [...new Set((items ?? []).map((p) => p.eventType))];
  const cell = (eventType: string, channel: string) =>
    items?.find((p) => p.eventType === eventType && p.channel === channel);
  const toggle = (target: Preference, enabled: boolean) => {
    setSaved(false);
    setItems((current) => (current ?? []).map((p) => (p === target ? { ...p, enabled } : p)));
  };
  const save = () => {
    if (items === null) return;
    setSaving(true);
    setError(null);
    call(
      api.PUT('/api/v1/me/notification-preferences', {
        body: {
          items: items
            .filter((p) => !p.locked)
            .map(({ eventType, channel, enabled }) => ({ eventType, channel, enabled })),
        },
      }),
    )
      .then((d) => {
        setItems(d.items);
        setSaved(true);
      })
      .catch(setError)
      .finally(() => setSaving(false));
  };

  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="notification-preferences">
      <Title order={2} size="h4" id="notification-preferences">
        {t('notifications.preferences.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('notifications.preferences.intro')}
      </Text>
      <ErrorAlert error={error} />
      <Table.ScrollContainer minWidth={340}>
        <Table striped verticalSpacing={4} data-testid="preferences">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('notifications.preferences.event')}</Table.Th>
              {CHANNELS.map((c) => (
                <Table.Th key={c} scope="col" ta="center">
                  {t(`notifications.preferences.channels.${c}`)}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((eventType) => {
              const label = t(`notifications.preferences.events.${eventType}`);
              const locked = cell(eventType, 'email')?.locked === true;
              return (
                <Table.Tr key={eventType}>
                  <Table.Th scope="row" fw={400}>
                    <Text size="sm">{label}</Text>
                    {locked && (
                      <Text size="xs" c="dimmed">
                        {t('notifications.preferences.locked')}
                      </Text>
                    )}
                  </Table.Th>
                  {CHANNELS.map((channel) => {
                    const p = cell(eventType, channel);
                    return (
                      <Table.Td key={channel}>
                        <Group justify="center">
                          {p !== undefined && (
                            <Checkbox
                              aria-label={t('notifications.preferences.cell', {
                                channel: t(`notifications.preferences.channels.${channel}`),
                                event: label,
                              })}
                              checked={p.enabled}
                              disabled={p.locked}
                              onChange={(e) => toggle(p, e.currentTarget.checked)}
                            />
                          )}
                        </Group>
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group mt="xs" gap="sm">
        <Button size="xs" onClick={save} loading={saving} disabled={items === null}>
          {t('notifications.preferences.save')}
        </Button>
        {saved && (
          <Text size="sm" c="teal.9" role="status">
            {t('notifications.preferences.saved')}
          </Text>
        )}
      </Group>
    </Paper>
  );
}
