import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  CloseButton,
  Group,
  Paper,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { planOf } from '../../lib/plan.ts';
import { useSession } from '../../session.tsx';
import { ChatThread, HumansBack, TicketFromChat } from './ChatThread.tsx';
import { useChat, type Chat } from './use-chat.ts';
import './help.css';

/**
 * The client's chat, on every signed-in page: a floating button opening a panel. Shown to clients whose plan
 * offers chat or the chatbot (the consultation agreement's channels) and to consultants; staff answer in the console.
 */
export function ChatWidget() {
  const { role } = useSession();
  const [allowed, setAllowed] = useState(false);
  useEffect(() => {
    if (role !== 'client') return;
    let current = true;
    Promise.all([call(api.GET('/api/v1/organizations')), call(api.GET('/api/v1/policy'))])
      .then(([orgs, policy]) => {
        const planId = orgs.items[0]?.contract?.plan;
        const plan = planId === undefined ? null : planOf(policy.policy, planId);
        if (current)
          setAllowed((plan?.channels ?? []).some((c) => c.channel === 'chat' || c.channel === 'chatbot'));
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [role]);
  if (role === 'consultant' || (role === 'client' && allowed)) return <ChatLauncher />;
  return null;
}

function ChatLauncher() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      {open && <ChatPanel onClose={() => setOpen(false)} />}
      <div className="chat-fab">
        <ActionIcon
          size={48}
          radius="xl"
          variant="filled"
          aria-label={open ? t('help.chat.close') : t('help.chat.open')}
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
        >
          <svg
            width="22"
            height="22"
            viewBox="0 0 24 24"
            aria-hidden="true"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
          >
            <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />
          </svg>
        </ActionIcon>
      </div>
    </>
  );
}

function ChatPanel({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [chatId, setChatId] = useState<string | null | undefined>(undefined);
  const { chat, messages, merge, refresh, setChat } = useChat(chatId ?? null);
  const [ticketForm, setTicketForm] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // The client's chat still open, if any, is resumed.
  useEffect(() => {
    call(api.GET('/api/v1/chats'))
      .then((data) => {
        const open = data.items
          .filter((c) => c.mode !== 'closed')
          .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
        setChatId(open?.id ?? null);
      })
      .catch((e: unknown) => {
        setError(e);
        setChatId(null);
      });
  }, []);

  async function end() {
    if (chat === null) return;
    try {
      setChat(await call(api.POST('/api/v1/chats/{id}/close', { params: { path: { id: chat.id } } })));
    } catch (e) {
      setError(e);
    }
  }

  return (
    <Paper
      className="chat-panel"
      withBorder
      shadow="md"
      p="sm"
      role="dialog"
      aria-labelledby="chat-panel-title"
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Title order={2} size="h3" id="chat-panel-title">
              {t('help.chat.title')}
            </Title>
            {chat !== null && (
              <Badge
                size="sm"
                variant="outline"
                tt="none"
                color={chat.mode === 'agent' ? '#1e6b34' : 'gray.7'}
              >
                {t(`help.chat.mode.${chat.mode}`)}
              </Badge>
            )}
          </Group>
          <CloseButton aria-label={t('help.chat.close')} onClick={onClose} />
        </Group>
        <ErrorAlert error={error} />
        {chatId === null && <StartChat onStarted={(c) => setChatId(c.id)} />}
        {chat !== null && (
          <>
            <HumansBack chat={chat} />
            <ChatThread
              chat={chat}
              messages={messages}
              side="client"
              canWrite={chat.mode !== 'closed'}
              onSent={(items) => {
                merge(items);
                void refresh();
              }}
              height={260}
            />
            {chat.mode === 'bot' && chat.ticketId === null && !ticketForm && (
              <Button variant="light" onClick={() => setTicketForm(true)}>
                {t('help.chat.openTicket')}
              </Button>
            )}
            {ticketForm && <TicketFromChat chat={chat} onCreated={() => void refresh()} />}
            {!ticketForm && chat.ticketId !== null && (
              <Anchor component={Link} to={`/tickets/${chat.ticketId}`} size="sm">
                {t('help.chat.viewTicket')}
              </Anchor>
            )}
            {chat.mode === 'closed' ? (
              <Group justify="space-between">
                <Text size="sm">{t('help.chat.ended')}</Text>
                <Button variant="default" onClick={() => (setTicketForm(false), setChatId(null))}>
                  {t('help.chat.newChat')}
                </Button>
              </Group>
            ) : (
              <Button variant="subtle" color="gray" onClick={() => void end()}>
                {t('help.chat.end')}
              </Button>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function StartChat({ onStarted }: { onStarted: (chat: Chat) => void }) {
  const { t } = useTranslation();
  const { language, timeZone } = useSession();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function start(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = text.trim();
      onStarted(
        await call(
          api.POST('/api/v1/chats', { body: { language, timeZone, ...(body === '' ? {} : { text: body }) } }),
        ),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => void start(e)}>
      <Stack gap="xs">
        <Text size="sm">{t('help.chat.intro')}</Text>
        <Textarea
          label={t('help.chat.firstMessage')}
          autosize
          minRows={2}
          maxRows={5}
          maxLength={4000}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
        <ErrorAlert error={error} />
        <Button type="submit" loading={busy}>
          {t('help.chat.start')}
        </Button>
      </Stack>
    </form>
  );
}
