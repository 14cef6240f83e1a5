import { Group, Paper, Progress, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SlaClock as Clock } from '../api/client.ts';
import {
  formatBusinessDuration,
  formatInstant,
  remainingSecondsAt,
  snapshotExpired,
} from '../lib/countdown.ts';
import { useSession } from '../session.tsx';

/** Re-renders every second while a clock ticks, and calls `onExpired` once a snapshot passes its nextChangeAt. */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}

/** One line in business words: "due Monday 30 March, 11:00 — 1 h 30 min of business time left". */
export function useClockText(clock: Clock, readAtMs: number, nowMs: number): { text: string; tone: string } {
  const { t } = useTranslation();
  const { locale, timeZone, role } = useSession();
  const when = (iso: string) => formatInstant(iso, locale, timeZone);
  if (clock.state === 'met')
    return {
      text: clock.stoppedAt ? t('clock.metAt', { when: when(clock.stoppedAt) }) : t('clock.met'),
      tone: '#1e6b34',
    };
  if (clock.target === null || clock.remainingSeconds === null)
    return { text: t('clock.noTarget'), tone: 'dimmed' };
  if (clock.state === 'paused')
    return { text: role === 'client' ? t('clock.paused') : t('clock.pausedStaff'), tone: '#8a5300' };
  const remaining = remainingSecondsAt(clock, readAtMs, nowMs) ?? 0;
  const due = clock.dueAt === null ? '' : `${t('clock.due', { when: when(clock.dueAt) })} — `;
  if (remaining < 0 || clock.state === 'breached')
    return {
      text: `${due}${t('clock.overdue', { duration: formatBusinessDuration(-remaining, locale) })}`,
      tone: 'red.9',
    };
  const counting = clock.countingNow ? '' : ` · ${t('clock.notCounting')}`;
  return {
    text: `${due}${t('clock.left', { duration: formatBusinessDuration(remaining, locale) })}${counting}`,
    tone: (clock.percentUsed ?? 0) >= (clock.warningThreshold ?? 75) ? '#a63d00' : 'inherit',
  };
}

export function SlaClockCard({
  clock,
  readAtMs,
  onExpired,
}: {
  clock: Clock;
  readAtMs: number;
  onExpired: () => void;
}) {
  const { t } = useTranslation();
  const ticking = clock.countingNow && (clock.state === 'running' || clock.state === 'breached');
  const now = useNow(ticking || clock.nextChangeAt !== null);
  const { text, tone } = useClockText(clock, readAtMs, now);
  const expired = snapshotExpired(clock, now);
  useEffect(() => {
    if (expired) onExpired();
  }, [expired, onExpired]);
  const percent = clock.percentUsed ?? (clock.state === 'met' ? 100 : 0);
  return (
    <Paper withBorder p="xs" data-testid={`sla-${clock.metric}`} data-state={clock.state}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" fw={600}>
          {t(`metric.${clock.metric}`, { defaultValue: clock.metric })}
        </Text>
        <Text size="xs" c="dimmed">
          {clock.target ?? ''}
        </Text>
      </Group>
      <Text
        size="sm"
        c={tone}
        data-testid="sla-text"
        data-remaining-seconds={remainingSecondsAt(clock, readAtMs, now) ?? ''}
      >
        {text}
      </Text>
      {clock.target !== null && (
        <Progress
          mt={4}
          size="xs"
          value={Math.min(100, percent)}
          color={clock.state === 'breached' ? 'red.9' : percent >= 75 ? '#a63d00' : 'accord.7'}
          aria-label={`${t(`metric.${clock.metric}`, { defaultValue: clock.metric })}: ${Math.round(percent)} %`}
        />
      )}
    </Paper>
  );
}

/** The nearest running deadline of a ticket, for lists. */
export function NextDeadline({ clocks, readAtMs }: { clocks: readonly Clock[]; readAtMs: number }) {
  const running = clocks
    .filter((c) => (c.state === 'running' || c.state === 'breached') && c.remainingSeconds !== null)
    .sort((a, b) => (a.remainingSeconds ?? 0) - (b.remainingSeconds ?? 0));
  const first = running[0];
  const now = useNow(first !== undefined && first.countingNow, 10_000);
  const { locale } = useSession();
  const { t } = useTranslation();
  if (first === undefined)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  const left = remainingSecondsAt(first, readAtMs, now) ?? 0;
  return (
    <Text size="sm" c={left < 0 ? 'red.9' : (first.percentUsed ?? 0) >= 75 ? '#a63d00' : undefined}>
      {left < 0
        ? t('clock.overdue', { duration: formatBusinessDuration(-left, locale) })
        : t('clock.left', { duration: formatBusinessDuration(left, locale) })}
    </Text>
  );
}
