import {
  Badge,
  Button,
  Checkbox,
  Grid,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, call, type Ticket } from '../api/client.ts';
import type { components, paths } from '../api/schema';
import { PriorityBadge, StatusBadge } from '../components/badges.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { SlaClockCard } from '../components/SlaClock.tsx';
import { SlaTrace } from '../components/SlaTrace.tsx';
import { TicketBilling } from '../components/TicketBilling.tsx';
import { TicketFiles } from '../components/TicketFiles.tsx';
import { TicketSidebar, type TicketEvent } from '../components/TicketSidebar.tsx';
import { formatShortInstant } from '../lib/countdown.ts';
import { useLiveUpdates } from '../lib/live.ts';
import { useShortcuts } from '../lib/shortcuts.ts';
import { useSession } from '../session.tsx';

type Comment = components['schemas']['Comment'];
type Attachment = components['schemas']['Attachment'];
type User = components['schemas']['User'];
type Patch = NonNullable<
  paths['/api/v1/tickets/{id}']['patch']['requestBody']
>['content']['application/json'];

export function TicketPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { role, me, locale, timeZone } = useSession();
  const staff = role !== 'client';
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [readAtMs, setReadAtMs] = useState(0);
  const [comments, setComments] = useState<Comment[]>([]);
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [agents, setAgents] = useState<User[]>([]);
  const [priorities, setPriorities] = useState<string[]>([]);
  const [events, setEvents] = useState<TicketEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const replyRef = useRef<HTMLTextAreaElement>(null);

  const load = useCallback(() => {
    const path = { params: { path: { id } } };
    Promise.all([
      call(api.GET('/api/v1/tickets/{id}', path)),
      call(api.GET('/api/v1/tickets/{id}/comments', path)),
      call(api.GET('/api/v1/tickets/{id}/attachments', path)),
      call(api.GET('/api/v1/tickets/{id}/events', path)),
    ])
      .then(([tk, cs, as, es]) => {
        setEvents(es.items);
        setTicket(tk);
        setReadAtMs(Date.now());
        setComments(cs.items);
        setAttachments(as.items);
      })
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);
  useLiveUpdates(load);
  useEffect(() => {
    if (!staff) return;
    void api
      .GET('/api/v1/users')
      .then(({ data }) =>
        setAgents(
          (data?.items ?? []).filter((u) => (u.role === 'agent' || u.role === 'admin') && !u.disabled),
        ),
      );
    void api
      .GET('/api/v1/priorities')
      .then(({ data }) => setPriorities((data?.items ?? []).map((p) => p.id)));
  }, [staff]);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      load();
    } catch (e) {
      setError(e);
    }
  };
  const patch = (body: Omit<Patch, 'version'>) =>
    act(() =>
      call(
        api.PATCH('/api/v1/tickets/{id}', {
          params: { path: { id } },
          body: { ...body, version: ticket?.version },
        }),
      ),
    );
  const startAnalysis = () =>
    act(() => call(api.POST('/api/v1/tickets/{id}/analysis', { params: { path: { id } } })));
  useShortcuts({
    r: () => replyRef.current?.focus(),
    a: () => staff && void startAnalysis(),
    m: () =>
      staff && ticket !== null && ticket.assigneeId !== me?.id && void patch({ assigneeId: me?.id ?? null }),
    'g q': () => staff && void navigate('/queue'),
  });

  if (ticket === null)
    return error === null ? <Text c="dimmed">{t('common.loading')}</Text> : <ErrorAlert error={error} />;
  const analysisDone = ticket.sla.some((c) => c.metric === 'intervention' && c.state === 'met');
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <div>
          <Group gap="xs">
            <PriorityBadge priority={ticket.priority} />
            <StatusBadge status={ticket.status} />
          </Group>
          <Title order={1} mt={4}>
            {ticket.subject}
          </Title>
        </div>
        {staff && (
          <Button
            variant={analysisDone ? 'light' : 'filled'}
            disabled={analysisDone}
            onClick={() => void startAnalysis()}
          >
            {analysisDone ? t('ticket.analysisStarted') : t('ticket.startAnalysis')}
          </Button>
        )}
      </Group>
      <ErrorAlert error={error} />
      <Grid gutter="sm">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="sm">
            <section aria-labelledby="sla-title">
              <Title order={2} id="sla-title" mb={6}>
                {t('ticket.sla')}
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                {ticket.sla.map((clock) => (
                  <SlaClockCard key={clock.metric} clock={clock} readAtMs={readAtMs} onExpired={load} />
                ))}
              </SimpleGrid>
              <SlaTrace ticketId={id} version={ticket.version} />
            </section>
            <Paper withBorder p="sm">
              <Title order={2} mb={4}>
                {t('ticket.description')}
              </Title>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {ticket.description || t('common.none')}
              </Text>
            </Paper>
            <TicketBilling ticket={ticket} staff={staff} onChanged={load} />
            <section aria-labelledby="conversation-title">
              <Title order={2} id="conversation-title" mb={6}>
                {t('ticket.conversation')}
              </Title>
              <Stack gap={6} data-testid="comments">
                {comments.length === 0 && (
                  <Text size="sm" c="dimmed">
                    {t('ticket.noComments')}
                  </Text>
                )}
                {comments.map((c) => (
                  <Paper
                    key={c.id}
                    withBorder
                    p="xs"
                    className={c.visibility === 'internal' ? 'comment-internal' : undefined}
                  >
                    <Group gap="xs" mb={2}>
                      <Text size="xs" fw={600}>
                        {c.authorName}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {formatShortInstant(c.createdAt, locale, timeZone)}
                      </Text>
                      {c.visibility === 'internal' && (
                        <Badge size="xs" color="#a63d00" variant="light">
                          {t('ticket.internal')}
                        </Badge>
                      )}
                    </Group>
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {c.body}
                    </Text>
                  </Paper>
                ))}
              </Stack>
            </section>
            <ReplyForm ticketId={id} staff={staff} textareaRef={replyRef} onSent={load} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <TicketSidebar
            ticket={ticket}
            staff={staff}
            agents={agents}
            priorities={priorities}
            events={events}
            onPatch={patch}
            files={
              <TicketFiles
                ticketId={id}
                staff={staff}
                closed={ticket.status === 'closed'}
                attachments={attachments}
                locale={locale}
                onUploaded={load}
              />
            }
          />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function ReplyForm(props: {
  ticketId: string;
  staff: boolean;
  textareaRef: React.RefObject<HTMLTextAreaElement | null>;
  onSent: () => void;
}) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'internal'>('public');
  const [startAnalysis, setStartAnalysis] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(
        api.POST('/api/v1/tickets/{id}/comments', {
          params: { path: { id: props.ticketId } },
          body: {
            body,
            visibility,
            ...(props.staff && visibility === 'public' && startAnalysis ? { startAnalysis } : {}),
          },
        }),
      );
      setBody('');
      setStartAnalysis(false);
      props.onSent();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Paper withBorder p="sm" component="form" onSubmit={(e: FormEvent) => void submit(e)}>
      <Stack gap="xs">
        {props.staff && (
          <SegmentedControl
            size="xs"
            value={visibility}
            onChange={(v) => setVisibility(v as 'public' | 'internal')}
            data={[
              { value: 'public', label: t('ticket.publicReply') },
              { value: 'internal', label: t('ticket.internalNote') },
            ]}
            aria-label={t('ticket.reply')}
          />
        )}
        <Textarea
          ref={props.textareaRef}
          label={visibility === 'internal' ? t('ticket.internalNote') : t('ticket.reply')}
          placeholder={t('ticket.replyPlaceholder')}
          autosize
          minRows={3}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
        />
        {props.staff && visibility === 'public' && (
          <Checkbox
            size="xs"
            label={t('ticket.alsoStartAnalysis')}
            checked={startAnalysis}
            onChange={(e) => setStartAnalysis(e.currentTarget.checked)}
          />
        )}
        <ErrorAlert error={error} />
        <Group>
          <Button type="submit" loading={busy} disabled={body.trim() === ''}>
            {t('ticket.send')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
