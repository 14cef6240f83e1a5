import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { useConsultationRefresh, type Consultation } from './parts.tsx';

type Blocked = 'no-profile' | 'away' | 'at-capacity' | null;

/**
 * "Système de prise en charge : la demande est affichée sur le tableau des demandes disponibles et tout consultant
 * qualifié peut la prendre." The first claim wins: another consultant's 409 says plainly that someone was faster,
 * a 422 says why this consultant may not take it (capacity, away).
 */
export function BoardPage() {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const navigate = useNavigate();
  const [items, setItems] = useState<Consultation[] | null>(null);
  const [blocked, setBlocked] = useState<Blocked>(null);
  const [claiming, setClaiming] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    call(api.GET('/api/v1/consultations/board', { params: { query: { limit: 200 } } }))
      .then((data) => {
        setItems(data.items);
        setBlocked(data.blockedBy);
      })
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  useConsultationRefresh(load);

  async function claim(id: string) {
    setClaiming(id);
    setError(null);
    try {
      await call(api.POST('/api/v1/consultations/{id}/claim', { params: { path: { id } } }));
      void navigate(`/consultations/${id}`);
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === 'CONSULTATION_ALREADY_TAKEN'
          ? new ApiError(e.status, e.code, t('consultations.detail.taken'))
          : e,
      );
      load();
    } finally {
      setClaiming(null);
    }
  }

  const blockedText =
    blocked === 'away'
      ? t('consultations.board.away')
      : blocked === 'at-capacity'
        ? t('consultations.board.atCapacity')
        : blocked === 'no-profile'
          ? t('consultations.board.noProfile')
          : null;
  return (
    <Stack gap="sm" maw={900}>
      <Title order={1}>{t('consultations.board.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('consultations.board.hint')}
      </Text>
      {blockedText !== null && (
        <Alert color="yellow" variant="light" p="xs">
          <Group justify="space-between">
            <Text size="sm">{blockedText}</Text>
            <Button component={Link} to="/consultations/profile" size="xs" variant="light">
              {t('consultations.nav.profile')}
            </Button>
          </Group>
        </Alert>
      )}
      <ErrorAlert error={error} />
      {items !== null && items.length === 0 && blockedText === null && (
        <Text c="dimmed" size="sm">
          {t('consultations.board.empty')}
        </Text>
      )}
      <Stack gap="xs" data-testid="board">
        {(items ?? []).map((c) => (
          <Paper key={c.id} withBorder p="sm" data-testid="board-item">
            {/* On a phone the button goes under the text rather than being cut. */}
            <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
              <Stack gap={2} style={{ flex: '1 1 240px' }}>
                <Text fw={600} component={Link} to={`/consultations/${c.id}`} c="inherit">
                  {c.subject}
                </Text>
                <Text size="xs" c="dimmed">
                  {c.specialty}
                  {c.language !== null && ` · ${c.language}`}
                  {' · '}
                  {t('consultations.board.waiting', {
                    when: formatShortInstant(c.createdAt, locale, timeZone),
                  })}
                </Text>
                <Text size="sm" lineClamp={3}>
                  {c.description}
                </Text>
              </Stack>
              <Button
                size="sm"
                style={{ flexShrink: 0 }}
                loading={claiming === c.id}
                onClick={() => void claim(c.id)}
              >
                {t('consultations.detail.claim')}
              </Button>
            </Group>
          </Paper>
        ))}
      </Stack>
    </Stack>
  );
}
