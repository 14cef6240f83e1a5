import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../api/client.ts';
import type { components } from '../api/schema';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatShortInstant } from '../lib/countdown.ts';
import { useSession } from '../session.tsx';

export function CalendarsPage() {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const [presets, setPresets] = useState<string[]>([]);
  const [calendars, setCalendars] = useState<components['schemas']['Calendar'][]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    call(api.GET('/api/v1/calendars'))
      .then((d) => {
        setPresets(d.presets);
        setCalendars(d.calendars);
      })
      .catch(setError);
  }, []);
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1}>{t('calendars.title')}</Title>
        <Button component={Link} to="/admin/calendars/new">
          {t('calendars.create')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('calendars.intro')}
      </Text>
      <ErrorAlert error={error} />
      <Paper withBorder p="sm">
        <Title order={2} mb={6}>
          {t('calendars.workspace')}
        </Title>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('calendars.key')}</Table.Th>
              <Table.Th>{t('calendars.name')}</Table.Th>
              <Table.Th>{t('calendars.timeZone')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {calendars.map((c) => (
              <Table.Tr key={c.key}>
                <Table.Td ff="monospace">{c.key}</Table.Td>
                <Table.Td>
                  <Link to={`/admin/calendars/${c.key}`}>{c.name}</Link>
                  <Text size="xs" c="dimmed">
                    {t('calendars.updated', { when: formatShortInstant(c.updatedAt, locale, timeZone) })}
                  </Text>
                </Table.Td>
                <Table.Td>{String(c.spec['timeZone'] ?? '')}</Table.Td>
                <Table.Td>
                  <Button
                    component={Link}
                    to={`/admin/calendars/${c.key}`}
                    variant="light"
                    aria-label={`${t('calendars.edit')} ${c.name}`}
                  >
                    {t('calendars.edit')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Paper withBorder p="sm">
        <Title order={2} mb={6}>
          {t('calendars.presets')}
        </Title>
        <Group gap="xs">
          {presets.map((p) => (
            <Badge key={p} variant="outline" color="gray.7" tt="none">
              {p}
            </Badge>
          ))}
        </Group>
      </Paper>
    </Stack>
  );
}
