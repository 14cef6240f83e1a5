import {
  Anchor,
  Button,
  Grid,
  Group,
  Modal,
  Paper,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { MessageThread } from './MessageThread.tsx';
import {
  DeadlineText,
  HistoryTimeline,
  nameOf,
  StateBadge,
  useConsultationRefresh,
  type Consultation,
} from './parts.tsx';

type Action = 'accept' | 'decline' | 'claim' | 'contact' | 'cancel' | 'close';

/** One request: its state and deadline, what the reader may do with it now, the thread and the history. */
export function ConsultationPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { me, role, locale, timeZone } = useSession();
  const navigate = useNavigate();
  const [request, setRequest] = useState<Consultation | null>(null);
  const [readAtMs, setReadAtMs] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<Action | null>(null);
  const [dialog, setDialog] = useState<'decline' | 'contact' | 'cancel' | null>(null);

  const load = useCallback(() => {
    call(api.GET('/api/v1/consultations/{id}', { params: { path: { id } } }))
      .then((data) => {
        setRequest(data);
        setReadAtMs(Date.now());
      })
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);
  useConsultationRefresh(load);

  async function act(action: Action, body?: Record<string, unknown>) {
    setBusy(action);
    setError(null);
    const path = { params: { path: { id } } };
    try {
      const next = await call(
        action === 'decline'
          ? api.POST('/api/v1/consultations/{id}/decline', { ...path, body: body ?? {} })
          : action === 'contact'
            ? api.POST('/api/v1/consultations/{id}/contact', {
                ...path,
                body: body as { kind: 'message' | 'call' | 'appointment' },
              })
            : action === 'accept'
              ? api.POST('/api/v1/consultations/{id}/accept', path)
              : action === 'claim'
                ? api.POST('/api/v1/consultations/{id}/claim', path)
                : action === 'cancel'
                  ? api.POST('/api/v1/consultations/{id}/cancel', path)
                  : api.POST('/api/v1/consultations/{id}/close', path),
      );
      setDialog(null);
      // A declined request is never shown to its decliner again: back to their list.
      if (action === 'decline') {
        void navigate('/consultations/list');
        return;
      }
      setRequest(next);
      setReadAtMs(Date.now());
    } catch (e) {
      // "tout consultant qualifié peut la prendre": the first claim wins; say so plainly.
      setError(
        e instanceof ApiError && e.code === 'CONSULTATION_ALREADY_TAKEN'
          ? new ApiError(e.status, e.code, t('consultations.detail.taken'))
          : e,
      );
      if (action === 'claim' || (e instanceof ApiError && e.status === 409)) load();
    } finally {
      setBusy(null);
    }
  }

  if (request === null)
    return (
      <Stack gap="sm">
        <ErrorAlert error={error} />
      </Stack>
    );
  const mine = me !== null && request.consultantId === me.id;
  const staff = role === 'admin' || role === 'agent';
  const can = {
    accept: role === 'consultant' && mine && request.state === 'offered',
    claim: role === 'consultant' && request.state === 'open',
    contact: role === 'consultant' && mine && (request.state === 'accepted' || request.state === 'contacted'),
    close: (staff || (role === 'consultant' && mine)) && ['accepted', 'contacted'].includes(request.state),
    cancel:
      (staff || (role === 'client' && request.clientId === me?.id)) &&
      ['offered', 'open', 'accepted'].includes(request.state),
  };
  const when = (iso: string | null) =>
    iso === null ? t('common.none') : formatShortInstant(iso, locale, timeZone);
  const threadOpen = request.acceptedAt !== null && (role === 'client' || mine || staff);

  return (
    <Stack gap="sm">
      <Anchor component={Link} to="/consultations/list" size="sm">
        {t('consultations.detail.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {request.subject}
          </Title>
          <Group gap="xs">
            <StateBadge state={request.state} />
            <DeadlineText request={request} readAtMs={readAtMs} onExpired={load} />
          </Group>
        </Stack>
        <Group gap="xs">
          {can.accept && (
            <>
              <Button loading={busy === 'accept'} onClick={() => void act('accept')}>
                {t('consultations.detail.accept')}
              </Button>
              <Button variant="default" onClick={() => setDialog('decline')}>
                {t('consultations.detail.decline')}
              </Button>
            </>
          )}
          {can.claim && (
            <Button loading={busy === 'claim'} onClick={() => void act('claim')}>
              {t('consultations.detail.claim')}
            </Button>
          )}
          {can.contact && request.state === 'accepted' && (
            <Button onClick={() => setDialog('contact')}>{t('consultations.detail.contact')}</Button>
          )}
          {can.close && (
            <Button variant="default" loading={busy === 'close'} onClick={() => void act('close')}>
              {t('consultations.detail.close')}
            </Button>
          )}
          {can.cancel && (
            <Button variant="default" color="red.9" onClick={() => setDialog('cancel')}>
              {t('consultations.detail.cancel')}
            </Button>
          )}
        </Group>
      </Group>
      <ErrorAlert error={error} />
      <Grid gutter="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="sm">
            <Paper withBorder p="sm">
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                {t('consultations.detail.description')}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {request.description}
              </Text>
            </Paper>
            {threadOpen ? (
              <MessageThread request={request} onPosted={load} />
            ) : (
              <Text size="sm" c="dimmed">
                {t('consultations.thread.closed')}
              </Text>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="sm">
            <Paper withBorder p="sm">
              <SimpleGrid cols={1} spacing={6}>
                <Field label={t('consultations.detail.consultant')}>
                  {request.consultantId === null
                    ? t('consultations.detail.noConsultant')
                    : nameOf(request, request.consultantId, t('common.none'))}
                </Field>
                {role !== 'client' && (
                  <Field label={t('consultations.detail.client')}>
                    {nameOf(request, request.clientId, t('common.none'))}
                  </Field>
                )}
                <Field label={t('consultations.detail.specialty')}>{request.specialty}</Field>
                <Field label={t('consultations.detail.language')}>
                  {request.language ?? t('common.none')}
                </Field>
                <Field label={t('consultations.detail.mode')}>
                  {request.mode === 'direct'
                    ? t('consultations.detail.modeDirect')
                    : t('consultations.detail.modeBoard')}
                </Field>
                <Field label={t('consultations.detail.requested')}>{when(request.createdAt)}</Field>
                {request.acceptedAt !== null && (
                  <Field label={t('consultations.detail.acceptedAt')}>{when(request.acceptedAt)}</Field>
                )}
                {request.contactedAt !== null && (
                  <Field label={t('consultations.detail.contactedAt')}>
                    {when(request.contactedAt)}
                    {request.contactMet !== null &&
                      ` · ${request.contactMet ? t('consultations.detail.contactMet') : t('consultations.detail.contactMissed')}`}
                  </Field>
                )}
              </SimpleGrid>
            </Paper>
            <Paper withBorder p="sm">
              <Title order={2} size="h5" mb="xs">
                {t('consultations.detail.history')}
              </Title>
              <HistoryTimeline request={request} />
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
      <DeclineDialog
        opened={dialog === 'decline'}
        busy={busy === 'decline'}
        onClose={() => setDialog(null)}
        onDecline={(reason) => void act('decline', reason === '' ? {} : { reason })}
      />
      <ContactDialog
        opened={dialog === 'contact'}
        busy={busy === 'contact'}
        onClose={() => setDialog(null)}
        onSave={(body) => void act('contact', body)}
      />
      <Modal
        closeButtonProps={{ 'aria-label': t('common.cancel') }}
        opened={dialog === 'cancel'}
        onClose={() => setDialog(null)}
        title={t('consultations.detail.cancelConfirm')}
      >
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setDialog(null)}>
            {t('common.cancel')}
          </Button>
          <Button color="red.9" loading={busy === 'cancel'} onClick={() => void act('cancel')}>
            {t('consultations.detail.cancel')}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

function DeclineDialog({
  opened,
  busy,
  onClose,
  onDecline,
}: {
  opened: boolean;
  busy: boolean;
  onClose: () => void;
  onDecline: (reason: string) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('common.cancel') }}
      title={t('consultations.detail.declineTitle')}
    >
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('consultations.detail.declineHint')}
        </Text>
        <Textarea
          label={t('consultations.detail.declineReason')}
          autosize
          minRows={2}
          maxLength={1000}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red.9" loading={busy} onClick={() => onDecline(reason.trim())}>
            {t('consultations.detail.decline')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ContactDialog({
  opened,
  busy,
  onClose,
  onSave,
}: {
  opened: boolean;
  busy: boolean;
  onClose: () => void;
  onSave: (body: { kind: 'message' | 'call' | 'appointment'; at?: string; note?: string }) => void;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'message' | 'call' | 'appointment'>('call');
  const [at, setAt] = useState('');
  const [note, setNote] = useState('');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('common.cancel') }}
      title={t('consultations.detail.contactTitle')}
    >
      <Stack gap="sm">
        <Radio.Group
          label={t('consultations.detail.kind')}
          value={kind}
          onChange={(v) => setKind(v as typeof kind)}
        >
          <Group gap="md" mt={4}>
            <Radio value="call" label={t('consultations.detail.kindCall')} />
            <Radio value="appointment" label={t('consultations.detail.kindAppointment')} />
            <Radio value="message" label={t('consultations.detail.kindMessage')} />
          </Group>
        </Radio.Group>
        {/* The browser's own date-time field: the instant is entered in the reader's zone and sent as UTC. */}
        <TextInput
          type="datetime-local"
          label={t('consultations.detail.at')}
          value={at}
          onChange={(e) => setAt(e.currentTarget.value)}
        />
        <Textarea
          label={t('consultations.detail.note')}
          autosize
          minRows={2}
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            loading={busy}
            onClick={() =>
              onSave({
                kind,
                ...(at === '' ? {} : { at: new Date(at).toISOString() }),
                ...(note.trim() === '' ? {} : { note: note.trim() }),
              })
            }
          >
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
