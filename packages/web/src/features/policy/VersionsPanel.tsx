import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';
import { useSession } from '../../session.tsx';

type Version = components['schemas']['PolicyVersion'];

/** Every version, newest first, with who adopted it and when, and the reviews recorded against it. */
export function VersionsPanel({
  versions,
  live,
  names,
}: {
  versions: readonly Version[];
  live: string;
  names: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const when = (at: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
      new Date(at),
    );
  const day = (date: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
      new Date(`${date}T12:00:00Z`),
    );
  const who = (id: string) => names.get(id) ?? id;
  return (
    <Paper withBorder p="sm">
      <Title order={2} mb={6}>
        {t('whatif.versions')}
      </Title>
      <Stack gap="xs" data-testid="policy-versions">
        {versions.map((v) => (
          <div key={v.version} data-testid={`policy-version-${v.version}`}>
            <Group gap="xs">
              <Text fw={600} size="sm">
                {t('whatif.version', { version: v.version })}
              </Text>
              {v.version === live && (
                <Badge size="sm" radius="sm" color="#1e6b34" variant="outline" tt="none">
                  {t('whatif.inForce')}
                </Badge>
              )}
              <Text size="sm" c="dimmed">
                {v.adoptedBy === null
                  ? t('whatif.seeded', { date: when(v.adoptedAt) })
                  : t('whatif.adopted', { date: when(v.adoptedAt), by: who(v.adoptedBy) })}{' '}
                · {t('whatif.effective', { date: day(v.effectiveFrom) })}
              </Text>
            </Group>
            {v.reviews.length === 0 ? (
              <Text size="xs" c="dimmed" ps="md">
                {t('whatif.noReviews')}
              </Text>
            ) : (
              <Stack gap={2} ps="md">
                {v.reviews.map((r) => (
                  <Text key={r.at} size="sm">
                    <Text span size="xs" c="dimmed">
                      {t('whatif.reviewBy', { date: when(r.at), by: who(r.by) })}
                    </Text>{' '}
                    {r.note}{' '}
                    <Text span size="xs" c="dimmed">
                      ({t('whatif.nextReview', { date: day(r.nextReviewDate) })})
                    </Text>
                  </Text>
                ))}
              </Stack>
            )}
          </div>
        ))}
      </Stack>
    </Paper>
  );
}
