import { Box, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import type { CheckResult } from './shared.tsx';

const WIDTH = 800;
const HEIGHT = 180;
const PAD_START = 48;
const PAD_END = 8;
const STRIP = 14;
const PLOT_TOP = 8;
const PLOT_BOTTOM = HEIGHT - STRIP - 24;
const STATUS_FILL: Record<CheckResult['status'], string> = {
  up: 'var(--mantine-color-green-7)',
  slow: 'var(--mantine-color-yellow-6)',
  down: 'var(--mantine-color-red-7)',
  error: 'var(--mantine-color-red-9)',
};

/**
 * Latency over time (a line) above the status of each check (a strip of coloured cells), drawn in SVG: no chart
 * library for one line and one strip. Time runs left to right in every language, as on a clock's axis. The figure
 * carries a text summary for screen readers; the table of checks beside it gives every value.
 */
export function ResultsChart({
  results,
  fromMs,
  toMs,
}: {
  results: CheckResult[];
  fromMs: number;
  toMs: number;
}) {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const span = Math.max(1, toMs - fromMs);
  const x = (atMs: number) => PAD_START + ((atMs - fromMs) / span) * (WIDTH - PAD_START - PAD_END);
  const latencies = results.map((r) => r.latencyMs).filter((v): v is number => v !== null);
  const maxLatency = Math.max(10, ...latencies);
  const y = (ms: number) => PLOT_BOTTOM - (ms / maxLatency) * (PLOT_BOTTOM - PLOT_TOP);
  const points = results
    .filter((r) => r.latencyMs !== null)
    .map((r) => `${x(Date.parse(r.at)).toFixed(1)},${y(r.latencyMs ?? 0).toFixed(1)}`)
    .join(' ');
  const counts = { up: 0, slow: 0, down: 0, error: 0 };
  for (const r of results) counts[r.status] += 1;
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = sorted.length === 0 ? null : sorted[Math.floor(sorted.length / 2)]!;
  const summary = t('availability.chart.summary', {
    count: results.length,
    up: counts.up,
    slow: counts.slow,
    down: counts.down + counts.error,
    median: median ?? '—',
    max: sorted.at(-1) ?? '—',
  });
  const cellWidth = Math.max(2, (WIDTH - PAD_START - PAD_END) / Math.max(1, results.length));
  const axis = new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'narrow' });
  return (
    <Box data-testid="results-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={summary}
        style={{ display: 'block', maxHeight: 220, direction: 'ltr' }}
      >
        <line x1={PAD_START} x2={WIDTH - PAD_END} y1={PLOT_BOTTOM} y2={PLOT_BOTTOM} stroke="#adb5bd" />
        <line x1={PAD_START} x2={WIDTH - PAD_END} y1={PLOT_TOP} y2={PLOT_TOP} stroke="#e9ecef" />
        <text x={PAD_START - 4} y={PLOT_TOP + 4} textAnchor="end" fontSize="11" fill="#495057">
          {axis.format(maxLatency)}
        </text>
        <text x={PAD_START - 4} y={PLOT_BOTTOM} textAnchor="end" fontSize="11" fill="#495057">
          {axis.format(0)}
        </text>
        {points !== '' && (
          <polyline
            points={points}
            fill="none"
            stroke="var(--mantine-color-accord-7, #1c7ed6)"
            strokeWidth="1.5"
          />
        )}
        {results.map((r) => (
          <rect
            key={r.at}
            x={Math.min(WIDTH - PAD_END - cellWidth, x(Date.parse(r.at)) - cellWidth / 2)}
            y={PLOT_BOTTOM + 4}
            width={cellWidth}
            height={STRIP}
            fill={STATUS_FILL[r.status]}
          >
            <title>{`${formatShortInstant(r.at, locale, timeZone)} · ${t(`availability.state.${r.status}`)}`}</title>
          </rect>
        ))}
        <text x={PAD_START} y={HEIGHT - 2} fontSize="11" fill="#495057">
          {formatShortInstant(new Date(fromMs).toISOString(), locale, timeZone)}
        </text>
        <text x={WIDTH - PAD_END} y={HEIGHT - 2} textAnchor="end" fontSize="11" fill="#495057">
          {formatShortInstant(new Date(toMs).toISOString(), locale, timeZone)}
        </text>
      </svg>
      <Group gap="md" mt={4}>
        {(['up', 'slow', 'down', 'error'] as const).map((s) => (
          <Group key={s} gap={4}>
            <Box w={10} h={10} style={{ background: STATUS_FILL[s], borderRadius: 2 }} aria-hidden />
            <Text size="xs">
              {t(`availability.state.${s}`)} ({counts[s]})
            </Text>
          </Group>
        ))}
      </Group>
    </Box>
  );
}
