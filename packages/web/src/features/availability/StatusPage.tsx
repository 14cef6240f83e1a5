import { Box, Container, Group, Loader, Paper, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, call } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { formatPercent, formatSeconds, StateBadge } from './shared.tsx';

type StatusPageData = components['schemas']['StatusPage'];
type Bar = StatusPageData['monitors'][number]['bars'][number];

/** A day's bar colour: no data grey, a full day green, then yellow, orange, red as downtime grows. */
function barColor(bar: Bar): string {
  if (bar.availability === null) return 'var(--mantine-color-gray-4)';
  if (bar.availability >= 0.9995) return 'var(--mantine-color-green-7)';
  if (bar.availability >= 0.99) return 'var(--mantine-color-yellow-6)';
  if (bar.availability >= 0.95) return 'var(--mantine-color-orange-7)';
  return 'var(--mantine-color-red-8)';
}

/** The public status page of a workspace (no sign-in): only what the API's public document holds. */
export function StatusPage() {
  const { t } = useTranslation();
  const { workspace = '' } = useParams();
  const { locale, timeZone } = useSession();
  const [data, setData] = useState<StatusPageData | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const load = () =>
      call(api.GET('/api/v1/status/{workspace}', { params: { path: { workspace } } }))
        .then((d) => {
          setData(d);
          setError(null);
        })
        .catch(setError);
    void load();
    const timer = window.setInterval(() => void load(), 60_000);
    return () => window.clearInterval(timer);
  }, [workspace]);

  const day = (d: string) =>
    new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(`${d}T12:00:00Z`));
  const troubled = data?.monitors.filter((m) => m.state !== 'up' && m.state !== 'unknown') ?? [];

  return (
    <Box bg="gray.0" mih="100vh" py="lg">
      <Container size="md" component="main">
        <Stack gap="md">
          <Group justify="space-between" align="baseline">
            <Title order={1}>
              {t('availability.status.title', { name: data?.workspace.name ?? workspace })}
            </Title>
            {data !== null && (
              <Text size="xs" c="dimmed">
                {t('availability.status.updated', {
                  when: formatShortInstant(data.generatedAt, locale, timeZone),
                })}
              </Text>
            )}
          </Group>
          <ErrorAlert error={error} />
          {data === null && error === null && <Loader size="sm" aria-label={t('common.loading')} />}
          {data !== null && (
            <>
              <Paper
                withBorder
                p="sm"
                data-testid="status-summary"
                style={{
                  borderInlineStartWidth: 6,
                  borderInlineStartColor: `var(--mantine-color-${troubled.length === 0 ? 'green' : 'red'}-7)`,
                }}
              >
                <Text fw={700}>
                  {troubled.length === 0 ? t('availability.status.allUp') : t('availability.status.someDown')}
                </Text>
              </Paper>
              {data.incidents.length > 0 && (
                <Paper withBorder p="sm" component="section" aria-labelledby="status-incidents">
                  <Title order={2} id="status-incidents" size="h4" mb={6}>
                    {t('availability.status.incidents')}
                  </Title>
                  <Stack gap={4}>
                    {data.incidents.map((i) => (
                      <Text key={i.monitorId} size="sm">
                        <b>{i.monitorName}</b> — {t(`availability.status.kind.${i.kind}`)}
                        {i.lastCheckAt !== null &&
                          ` · ${t('availability.status.lastCheck', {
                            when: formatShortInstant(i.lastCheckAt, locale, timeZone),
                          })}`}
                      </Text>
                    ))}
                  </Stack>
                </Paper>
              )}
              <Paper withBorder p="sm" component="section" aria-labelledby="status-services">
                <Title order={2} id="status-services" size="h4" mb={6}>
                  {t('availability.status.services')}
                </Title>
                {data.monitors.length === 0 && (
                  <Text size="sm" c="dimmed">
                    {t('availability.status.noMonitors')}
                  </Text>
                )}
                <Stack gap="md">
                  {data.monitors.map((m) => {
                    const observed = m.bars.filter((b) => b.availability !== null);
                    const mean =
                      observed.length === 0
                        ? null
                        : observed.reduce((sum, b) => sum + (b.availability ?? 0), 0) / observed.length;
                    return (
                      <Box key={m.id} data-testid="status-monitor">
                        <Group justify="space-between" mb={4}>
                          <Text fw={600}>{m.name}</Text>
                          <StateBadge state={m.state} />
                        </Group>
                        <Box
                          component="ol"
                          aria-label={t('availability.status.bars', { name: m.name, count: m.bars.length })}
                          m={0}
                          p={0}
                          style={{ display: 'flex', gap: 1, listStyle: 'none', height: 28 }}
                        >
                          {m.bars.map((b) => {
                            const label = `${day(b.day)}: ${
                              b.availability === null
                                ? t('availability.status.noData')
                                : formatPercent(b.availability, locale)
                            }${
                              b.downSeconds > 0
                                ? ` · ${t('availability.status.down', { duration: formatSeconds(b.downSeconds, locale) })}`
                                : ''
                            }`;
                            return (
                              <Box
                                component="li"
                                key={b.day}
                                title={label}
                                style={{ flex: 1, minWidth: 1, background: barColor(b), borderRadius: 1 }}
                              >
                                <VisuallyHidden>{label}</VisuallyHidden>
                              </Box>
                            );
                          })}
                        </Box>
                        <Group justify="space-between" mt={2}>
                          <Text size="xs" c="dimmed">
                            {t('availability.status.daysAgo', { count: m.bars.length })}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {t('availability.status.mean', { value: formatPercent(mean, locale, 3) })}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {t('availability.status.today')}
                          </Text>
                        </Group>
                      </Box>
                    );
                  })}
                </Stack>
              </Paper>
              <Paper withBorder p="sm" component="section" aria-labelledby="status-maintenance">
                <Title order={2} id="status-maintenance" size="h4" mb={6}>
                  {t('availability.status.maintenance')}
                </Title>
                {data.maintenance.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    {t('availability.status.noMaintenance')}
                  </Text>
                ) : (
                  <Stack gap={4}>
                    {data.maintenance.map((w) => (
                      <Text key={`${w.title}-${w.startsAt}`} size="sm">
                        <b>{w.title}</b> —{' '}
                        {t('availability.range', {
                          from: formatShortInstant(w.startsAt, locale, timeZone),
                          to: formatShortInstant(w.endsAt, locale, timeZone),
                        })}
                      </Text>
                    ))}
                  </Stack>
                )}
              </Paper>
              <Text size="xs" c="dimmed">
                {t('availability.status.zone', { zone: timeZone })}
              </Text>
            </>
          )}
        </Stack>
      </Container>
    </Box>
  );
}
