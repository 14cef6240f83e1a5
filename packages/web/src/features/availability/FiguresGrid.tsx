import { Paper, SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session.tsx';
import { formatPercent, formatSeconds, type Figures } from './shared.tsx';

/** Availability against its target and where the month's seconds went. */
export function FiguresGrid({ figures }: { figures: Omit<Figures, 'targetSource'> }) {
  const { t } = useTranslation();
  const { locale } = useSession();
  const cells: [string, string, string?][] = [
    [
      t('availability.figures.availability'),
      formatPercent(figures.availability, locale, 3),
      figures.met === null
        ? t('availability.figures.noData')
        : figures.met
          ? t('availability.figures.met', { target: formatPercent(figures.target, locale, 1) })
          : t('availability.figures.missed', { target: formatPercent(figures.target, locale, 1) }),
    ],
    [t('availability.figures.down'), formatSeconds(figures.downSeconds, locale)],
    [t('availability.figures.budget'), formatSeconds(figures.downtimeBudgetLeftSeconds, locale)],
    [t('availability.figures.slow'), formatSeconds(figures.slowSeconds, locale)],
    [t('availability.figures.maintenance'), formatSeconds(figures.maintenanceSeconds, locale)],
    [t('availability.figures.excluded'), formatSeconds(figures.excludedSeconds, locale)],
    [t('availability.figures.noDataTime'), formatSeconds(figures.noDataSeconds, locale)],
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} spacing="xs" data-testid="figures">
      {cells.map(([label, value, note]) => (
        <Paper key={label} withBorder p="xs">
          <Text size="xs" c="dimmed">
            {label}
          </Text>
          <Text fw={700} size="lg">
            {value}
          </Text>
          {note !== undefined && (
            <Text size="xs" c={figures.met === false ? 'red.8' : 'dimmed'}>
              {note}
            </Text>
          )}
        </Paper>
      ))}
    </SimpleGrid>
  );
}
