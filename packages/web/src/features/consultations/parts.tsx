import { Badge, Stack, Text, Timeline } from '@mantine/core';
import { useEffect } from 'react';
import { useLiveUpdates } from '../../lib/live.ts';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';
import { useNow } from '../../components/SlaClock.tsx';
import {
  formatBusinessDuration,
  formatInstant,
  formatShortInstant,
  remainingSecondsAt,
  snapshotExpired,
  type ClockSnapshot,
} from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';

export type Consultation = components['schemas']['Consultation'];
export type ConsultantProfile = components['schemas']['ConsultantProfile'];
export type ConsultationMessage = components['schemas']['ConsultationMessage'];

const STATE_COLORS: Record<string, string> = {
  offered: '#8a5300',
  open: 'accord.7',
  accepted: '#0b6650',
  contacted: '#1e6b34',
  closed: 'gray.7',
  cancelled: 'gray.7',
};

/** The request's state in the reader's words (a client reads "awaiting the consultant", staff "offered"). */
export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  const { role } = useSession();
  const staffWord = role !== 'client' && (state === 'offered' || state === 'open');
  return (
    <Badge
      size="sm"
      radius="sm"
      variant="outline"
      tt="none"
      color={STATE_COLORS[state] ?? 'gray.7'}
      data-testid="consultation-state"
      data-state={state}
    >
      {staffWord ? t(`consultations.stateStaff.${state}`) : t(`consultations.state.${state}`)}
    </Badge>
  );
}

/**
 * The deadline the request runs against now, in business words, ticking down between reads: the server's snapshot
 * says how much business time is left and when the calendar next opens or closes, so the page never re-implements the
 * calendar ("4 heures ouvrables" to answer, "24 heures ouvrables" to contact). At that instant it asks again.
 */
export function DeadlineText({
  request,
  readAtMs,
  onExpired,
  size = 'sm',
}: {
  request: Consultation;
  readAtMs: number;
  onExpired?: () => void;
  size?: 'xs' | 'sm';
}) {
  const { t } = useTranslation();
  const { locale, timeZone, role } = useSession();
  const deadline = request.deadline;
  const snapshot: ClockSnapshot | null =
    deadline === null
      ? null
      : {
          state: deadline.remainingSeconds < 0 ? 'breached' : 'running',
          remainingSeconds: deadline.remainingSeconds,
          countingNow: deadline.countingNow,
          nextChangeAt: deadline.nextChangeAt,
        };
  const now = useNow(snapshot !== null);
  const expired = snapshot !== null && snapshotExpired(snapshot, now);
  useEffect(() => {
    if (expired) onExpired?.();
  }, [expired, onExpired]);
  if (deadline === null || snapshot === null)
    return (
      <Text size={size} c="dimmed">
        {t('consultations.deadline.none')}
      </Text>
    );
  const remaining = remainingSecondsAt(snapshot, readAtMs, now) ?? 0;
  const when = formatInstant(deadline.dueAt, locale, timeZone);
  const head = t(`consultations.deadline.${deadline.metric}${role === 'client' ? 'Client' : ''}`, { when });
  const tail =
    remaining < 0
      ? t('clock.overdue', { duration: formatBusinessDuration(-remaining, locale) })
      : t('clock.left', { duration: formatBusinessDuration(remaining, locale) });
  const counting = deadline.countingNow ? '' : ` · ${t('clock.notCounting')}`;
  return (
    <Text
      size={size}
      c={remaining < 0 ? 'red.9' : remaining < 3600 ? '#a63d00' : undefined}
      data-testid={`deadline-${deadline.metric}`}
      data-remaining-seconds={Math.round(remaining)}
    >
      {head} — {tail}
      {counting}
    </Text>
  );
}

/** "Name" for a user id the request mentions; staff also see who was offered it and what they answered. */
export function nameOf(request: Consultation, id: string | null, fallback: string): string {
  if (id === null) return fallback;
  return request.names[id] ?? fallback;
}

export function HistoryTimeline({ request }: { request: Consultation }) {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const someone = t('consultations.event.someone');
  const kindWord = (kind: unknown) =>
    kind === 'call'
      ? t('consultations.detail.kindCall')
      : kind === 'appointment'
        ? t('consultations.detail.kindAppointment')
        : t('consultations.detail.kindMessage');
  return (
    <Timeline bulletSize={12} lineWidth={2} active={request.history.length - 1} data-testid="history">
      {request.history.map((e, i) => {
        const reason = typeof e.details['reason'] === 'string' ? e.details['reason'] : null;
        const note = typeof e.details['note'] === 'string' ? e.details['note'] : null;
        return (
          <Timeline.Item
            key={`${e.type}-${i}`}
            title={
              <Text size="sm" fw={500}>
                {t(`consultations.event.${e.type}`, {
                  defaultValue: e.type,
                  actor: nameOf(request, e.actorId, someone),
                  consultant: nameOf(request, e.consultantId, someone),
                  kind: kindWord(e.details['kind']),
                })}
              </Text>
            }
          >
            <Stack gap={0}>
              <Text size="xs" c="dimmed">
                {formatShortInstant(e.at, locale, timeZone)}
              </Text>
              {reason !== null && <Text size="xs">{t('consultations.event.reason', { reason })}</Text>}
              {note !== null && <Text size="xs">{note}</Text>}
            </Stack>
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}

/**
 * Reloads on the live stream's events (every 15 s while the stream is down): a client sees "accepted" arrive, a
 * consultant sees an offer come and a board request vanish once taken.
 */
export function useConsultationRefresh(load: () => void): void {
  useLiveUpdates(load);
}
