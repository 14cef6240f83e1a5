import { Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { useConsultationRefresh, type Consultation, type ConsultationMessage } from './parts.tsx';

/**
 * The client and the consultant who took the request write to each other; the consultant's first message is the
 * contact the agreement asks for ("contacter le client dans un délai de 24 heures ouvrables"). Staff read it.
 */
export function MessageThread({ request, onPosted }: { request: Consultation; onPosted: () => void }) {
  const { t } = useTranslation();
  const { me, role, locale, timeZone } = useSession();
  const [items, setItems] = useState<ConsultationMessage[]>([]);
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = request.id;
  const load = useCallback(() => {
    call(api.GET('/api/v1/consultations/{id}/messages', { params: { path: { id } } }))
      .then((data) => setItems(data.items))
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);
  useConsultationRefresh(load);

  const writer =
    (role === 'client' && request.clientId === me?.id) ||
    (role === 'consultant' && request.consultantId === me?.id);
  const open = request.state === 'accepted' || request.state === 'contacted';

  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(
        api.POST('/api/v1/consultations/{id}/messages', { params: { path: { id } }, body: { body } }),
      );
      setBody('');
      load();
      onPosted();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('consultations.thread.title')}
        </Title>
        {items.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('consultations.thread.empty')}
          </Text>
        )}
        <Stack gap="xs" data-testid="thread">
          {items.map((m) => (
            <Paper
              key={m.id}
              p="xs"
              radius="sm"
              bg={m.fromConsultant ? 'accord.0' : 'gray.0'}
              ms={m.authorId === me?.id ? 'xl' : 0}
              me={m.authorId === me?.id ? 0 : 'xl'}
            >
              <Group justify="space-between" gap="xs">
                <Text size="xs" fw={600}>
                  {m.authorName}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatShortInstant(m.createdAt, locale, timeZone)}
                </Text>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {m.body}
              </Text>
            </Paper>
          ))}
        </Stack>
        {writer && open && (
          <form onSubmit={(e) => void send(e)}>
            <Stack gap="xs">
              <Textarea
                label={t('consultations.thread.body')}
                description={
                  role === 'consultant' && request.state === 'accepted'
                    ? t('consultations.thread.firstCounts')
                    : undefined
                }
                required
                autosize
                minRows={2}
                maxLength={10_000}
                value={body}
                onChange={(e) => setBody(e.currentTarget.value)}
              />
              <ErrorAlert error={error} />
              <Group justify="flex-end">
                <Button type="submit" loading={busy} disabled={body.trim() === ''}>
                  {t('consultations.thread.send')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
