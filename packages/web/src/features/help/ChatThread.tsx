import { ActionIcon, Anchor, Button, FileButton, Group, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call, type Ticket } from '../../api/client.ts';
import type { paths } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSession } from '../../session.tsx';
import type { Chat, ChatMessage } from './use-chat.ts';
import './help.css';

type Priority =
  paths['/api/v1/priorities']['get']['responses'][200]['content']['application/json']['items'][number];
type PriorityId = NonNullable<
  paths['/api/v1/chats/{id}/ticket']['post']['requestBody']
>['content']['application/json']['priority'];

const TYPING_EVERY_MS = 3000;

/** The conversation: messages (the bot's suggested articles as links), the other side's typing, the composer. */
export function ChatThread({
  chat,
  messages,
  side,
  canWrite,
  onSent,
  height = 320,
}: {
  chat: Chat;
  messages: readonly ChatMessage[];
  side: 'client' | 'agent';
  canWrite: boolean;
  onSent: (items: readonly ChatMessage[]) => void;
  height?: number;
}) {
  const { t } = useTranslation();
  const { workspace, locale, timeZone } = useSession();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const log = useRef<HTMLDivElement>(null);
  const lastTyping = useRef(0);

  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [messages.length]);

  const time = (iso: string) =>
    new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
  const authorName = (m: ChatMessage) =>
    m.author === side
      ? t('help.chat.you')
      : m.author === 'bot'
        ? t('help.chat.bot')
        : t(`help.chat.${m.author}`);
  const otherTyping = side === 'client' ? chat.typing.agent : chat.typing.client;

  async function send(event?: FormEvent) {
    event?.preventDefault();
    const body = text.trim();
    if (body === '' || busy) return;
    setBusy(true);
    setError(null);
    try {
      const data = await call(
        api.POST('/api/v1/chats/{id}/messages', { params: { path: { id: chat.id } }, body: { text: body } }),
      );
      setText('');
      onSent(data.items);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function typed(value: string) {
    setText(value);
    const now = Date.now();
    if (value !== '' && now - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = now;
      void api.POST('/api/v1/chats/{id}/typing', { params: { path: { id: chat.id } } });
    }
  }

  async function attach(file: File | null) {
    if (file === null) return;
    setBusy(true);
    setError(null);
    try {
      const contentBase64 = await base64Of(file);
      const data = await call(
        api.POST('/api/v1/chats/{id}/attachments', {
          params: { path: { id: chat.id } },
          body: { filename: file.name, contentType: file.type || 'application/octet-stream', contentBase64 },
        }),
      );
      onSent(data.items);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <Stack gap="xs">
      <div
        className="chat-log"
        ref={log}
        style={{ blockSize: height }}
        role="log"
        aria-live="polite"
        aria-label={t('help.chat.title')}
        tabIndex={0}
        data-testid="chat-log"
      >
        {messages.map((m) => (
          <div key={m.seq} className="chat-bubble" data-mine={m.author === side} data-author={m.author}>
            <Text size="xs" fw={600} c="dimmed" component="div">
              {authorName(m)} · {time(m.at)}
            </Text>
            {m.text !== '' && <div>{m.text}</div>}
            {m.attachment !== null && (
              <Anchor href={`/api/v1/chats/${chat.id}/attachments/${m.attachment.id}`} size="sm" download>
                {t('help.chat.file', { name: m.attachment.filename })}
              </Anchor>
            )}
            {m.articles.length > 0 && (
              <Stack
                gap={2}
                mt={4}
                component="ul"
                style={{ listStyle: 'none', padding: 0, margin: 0 }}
                aria-label={t('help.chat.suggested')}
              >
                {m.articles.map((a) => (
                  <li key={a.slug}>
                    <Anchor
                      component={Link}
                      to={`/help/${workspace ?? ''}/${a.slug}`}
                      target="_blank"
                      rel="noopener"
                      size="sm"
                    >
                      {a.title}
                    </Anchor>
                  </li>
                ))}
              </Stack>
            )}
          </div>
        ))}
      </div>
      <Text size="xs" c="dimmed" role="status" mih={16}>
        {otherTyping
          ? t('help.chat.typing', { who: side === 'client' ? t('help.chat.agent') : t('help.chat.client') })
          : ''}
      </Text>
      {canWrite && (
        <form onSubmit={(e) => void send(e)}>
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <Textarea
              style={{ flex: 1 }}
              label={t('help.chat.message')}
              autosize
              minRows={1}
              maxRows={4}
              maxLength={4000}
              value={text}
              onChange={(e) => typed(e.currentTarget.value)}
              onKeyDown={onKey}
            />
            <FileButton
              onChange={(f) => void attach(f)}
              accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,application/json,application/zip"
            >
              {(props) => (
                <ActionIcon
                  {...props}
                  variant="default"
                  size={30}
                  aria-label={t('help.chat.attach')}
                  disabled={busy}
                >
                  <svg
                    width="16"
                    height="16"
                    viewBox="0 0 24 24"
                    aria-hidden="true"
                    fill="none"
                    stroke="currentColor"
                    strokeWidth="2"
                  >
                    <path d="M21 12.5l-8.5 8.5a5 5 0 0 1-7-7L14 5.5a3.5 3.5 0 0 1 5 5L10.5 19a2 2 0 0 1-3-3L15 8.5" />
                  </svg>
                </ActionIcon>
              )}
            </FileButton>
            <Button type="submit" loading={busy} disabled={text.trim() === ''}>
              {t('help.chat.send')}
            </Button>
          </Group>
        </form>
      )}
      <ErrorAlert error={error} />
    </Stack>
  );
}

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/** The priority choice (the agreement's descriptions), then the ticket's number and due instants. */
export function TicketFromChat({ chat, onCreated }: { chat: Chat; onCreated: () => void }) {
  const { t } = useTranslation();
  const { language, locale, timeZone } = useSession();
  const [priorities, setPriorities] = useState<Priority[]>([]);
  const [priority, setPriority] = useState('');
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The agreement's own words: French, English, and Arabic where the policy has it (else English).
  const pick = <T,>(value: { fr: T; en: T; ar?: T | undefined }): T =>
    language === 'fr' ? value.fr : language === 'ar' ? (value.ar ?? value.en) : value.en;

  useEffect(() => {
    call(api.GET('/api/v1/priorities'))
      .then((p) => setPriorities(p.items))
      .catch(setError);
  }, []);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await call(
        api.POST('/api/v1/chats/{id}/ticket', {
          params: { path: { id: chat.id } },
          body: { priority: priority as PriorityId },
        }),
      );
      setTicket(created);
      onCreated();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (ticket !== null) {
    const when = (iso: string) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
        new Date(iso),
      );
    return (
      <Stack gap={4} role="status" data-testid="chat-ticket">
        <Text size="sm" fw={600}>
          {t('help.chat.ticketCreated', { number: ticket.id.slice(0, 8) })}
        </Text>
        {ticket.sla
          .filter((c) => c.dueAt !== null)
          .map((c) => (
            <Text size="xs" key={c.metric}>
              {t('help.chat.due', { metric: t(`help.metric.${c.metric}`), when: when(c.dueAt ?? '') })}
            </Text>
          ))}
        <Anchor component={Link} to={`/tickets/${ticket.id}`} size="sm">
          {t('help.chat.viewTicket')}
        </Anchor>
      </Stack>
    );
  }
  return (
    <form onSubmit={(e) => void create(e)}>
      <Stack gap="xs">
        <Radio.Group label={t('help.chat.priority')} value={priority} onChange={setPriority} required>
          <Stack gap={6} mt={4}>
            {priorities.map((p) => (
              <Radio
                key={p.id}
                value={p.id}
                label={`${p.id} · ${pick(p.label)}`}
                description={pick(p.description)}
              />
            ))}
          </Stack>
        </Radio.Group>
        <ErrorAlert error={error} />
        <Button type="submit" loading={busy} disabled={priority === ''}>
          {t('help.chat.createTicket')}
        </Button>
      </Stack>
    </form>
  );
}

/** When humans answer next (the bot holds the chat), in the reader's language and zone. */
export function HumansBack({ chat }: { chat: Chat }) {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  if (chat.mode === 'waiting' && chat.waitingUntil !== null)
    return (
      <Text size="xs" c="dimmed">
        {t('help.chat.waitingUntil', {
          time: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }).format(
            new Date(chat.waitingUntil),
          ),
        })}
      </Text>
    );
  if (chat.mode !== 'bot' || chat.humansBackAt === null) return null;
  const back = new Date(chat.humansBackAt);
  if (back.getTime() <= Date.now())
    return (
      <Text size="xs" c="dimmed">
        {t('help.chat.humansNow')}
      </Text>
    );
  const when = new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(back);
  return (
    <Text size="xs" c="dimmed" data-testid="humans-back">
      {t('help.chat.humansBack', { when })}
    </Text>
  );
}
