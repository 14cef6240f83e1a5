import {
  Alert,
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  NumberInput,
  Paper,
  Stack,
  Switch,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSession } from '../../session.tsx';
import { ChatThread, TicketFromChat } from './ChatThread.tsx';
import { useChat, type Chat } from './use-chat.ts';
import './help.css';

const PRESENCE_EVERY_MS = 20_000;
const LIST_EVERY_MS = 3000;

/** `/chats`: the agents' console — availability, the waiting queue, atomic take, the conversation, chat → ticket. */
export function ChatConsolePage() {
  const { t } = useTranslation();
  const { me, role, locale, timeZone } = useSession();
  const [available, setAvailable] = useState(false);
  const [agentsOnline, setAgentsOnline] = useState<number | null>(null);
  const [chats, setChats] = useState<Chat[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [taken, setTaken] = useState(false);

  const load = useCallback(() => {
    call(api.GET('/api/v1/chats'))
      .then((data) => setChats(data.items.filter((c) => c.mode !== 'closed' || c.agentId === me?.id)))
      .catch(setError);
  }, [me?.id]);
  useEffect(() => {
    load();
    const timer = setInterval(load, LIST_EVERY_MS);
    return () => clearInterval(timer);
  }, [load]);

  // The console's heartbeat: available while the page is open and the switch on (the server forgets it after 45 s).
  useEffect(() => {
    const beat = (value: boolean) =>
      call(api.POST('/api/v1/chat/presence', { body: { available: value } }))
        .then((p) => setAgentsOnline(p.agentsOnline))
        .catch(setError);
    void beat(available);
    if (!available) return;
    const timer = setInterval(() => void beat(true), PRESENCE_EVERY_MS);
    return () => {
      clearInterval(timer);
      void beat(false);
    };
  }, [available]);

  async function take(id: string) {
    setTaken(false);
    setError(null);
    try {
      await call(api.POST('/api/v1/chats/{id}/take', { params: { path: { id } } }));
      setSelected(id);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setTaken(true);
      else setError(e);
    }
    load();
  }

  const started = (c: Chat) =>
    new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }).format(
      new Date(c.startedAt),
    );
  const groups: [string, Chat[]][] = [
    [t('help.console.waiting'), chats.filter((c) => c.mode === 'waiting')],
    [t('help.console.withBot'), chats.filter((c) => c.mode === 'bot')],
    [t('help.console.mine'), chats.filter((c) => c.mode === 'agent' && c.agentId === me?.id)],
  ];

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1}>{t('help.console.title')}</Title>
        <Group gap="sm">
          {agentsOnline !== null && (
            <Text size="xs" c="dimmed">
              {t('help.console.agentsOnline', { count: agentsOnline })}
            </Text>
          )}
          <Switch
            label={t('help.console.available')}
            description={t('help.console.availableHint')}
            checked={available}
            onChange={(e) => setAvailable(e.currentTarget.checked)}
            maw={360}
          />
        </Group>
      </Group>
      {taken && (
        <Alert
          color="orange"
          role="alert"
          p="xs"
          withCloseButton
          onClose={() => setTaken(false)}
          closeButtonLabel={t('common.cancel')}
        >
          {t('help.console.taken')}
        </Alert>
      )}
      <ErrorAlert error={error} />
      <Grid gutter="sm">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="sm">
            {groups.map(([title, items]) => (
              <Paper withBorder p="xs" key={title} component="section" aria-label={title}>
                <Title order={2} size="h3" mb={4}>
                  {title} ({items.length})
                </Title>
                {items.length === 0 && (
                  <Text size="xs" c="dimmed">
                    {t('help.console.none')}
                  </Text>
                )}
                <Stack gap={4}>
                  {items.map((c) => (
                    <Group
                      key={c.id}
                      justify="space-between"
                      wrap="nowrap"
                      gap="xs"
                      className="clickable-row"
                      data-active={selected === c.id}
                      p={4}
                    >
                      <UnstyledButton onClick={() => setSelected(c.id)} style={{ flex: 1 }}>
                        <Text size="sm" ff="monospace">
                          {c.id.slice(0, 8)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {t('help.console.started', { time: started(c) })} · {c.language}
                        </Text>
                      </UnstyledButton>
                      {c.mode !== 'agent' && (
                        <Button size="xs" onClick={() => void take(c.id)}>
                          {t('help.console.take')}
                        </Button>
                      )}
                    </Group>
                  ))}
                </Stack>
              </Paper>
            ))}
            {role === 'admin' && <WaitSetting />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {selected === null ? (
            <Text size="sm" c="dimmed">
              {t('help.console.select')}
            </Text>
          ) : (
            <AgentChat id={selected} onChange={load} />
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function AgentChat({ id, onChange }: { id: string; onChange: () => void }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const { chat, messages, merge, refresh, setChat } = useChat(id);
  const [ticketForm, setTicketForm] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setTicketForm(false), [id]);
  if (chat === null) return null;
  const mine = chat.mode === 'agent' && chat.agentId === me?.id;
  async function close() {
    try {
      setChat(await call(api.POST('/api/v1/chats/{id}/close', { params: { path: { id } } })));
      onChange();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text size="sm" fw={600} ff="monospace">
            {chat.id.slice(0, 8)}
          </Text>
          <Badge size="sm" variant="outline" tt="none" color={chat.mode === 'agent' ? '#1e6b34' : 'gray.7'}>
            {t(`help.chat.mode.${chat.mode}`)}
          </Badge>
        </Group>
        <ChatThread
          chat={chat}
          messages={messages}
          side="agent"
          canWrite={mine}
          onSent={(items) => {
            merge(items);
            void refresh();
          }}
          height={380}
        />
        <ErrorAlert error={error} />
        {chat.ticketId !== null && !ticketForm && (
          <Anchor component={Link} to={`/tickets/${chat.ticketId}`} size="sm">
            {t('help.chat.viewTicket')}
          </Anchor>
        )}
        {ticketForm && <TicketFromChat chat={chat} onCreated={() => void refresh()} />}
        {mine && (
          <Group justify="space-between">
            {chat.ticketId === null && !ticketForm ? (
              <Button variant="light" onClick={() => setTicketForm(true)}>
                {t('help.console.toTicket')}
              </Button>
            ) : (
              <span />
            )}
            <Button variant="subtle" color="gray" onClick={() => void close()}>
              {t('help.chat.end')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function WaitSetting() {
  const { t } = useTranslation();
  const [seconds, setSeconds] = useState<number | string>('');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    call(api.GET('/api/v1/chat/settings'))
      .then((s) => setSeconds(s.waitSeconds))
      .catch(setError);
  }, []);
  async function save() {
    setSaved(false);
    try {
      await call(api.PUT('/api/v1/chat/settings', { body: { waitSeconds: Number(seconds) } }));
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Paper withBorder p="xs">
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <NumberInput
          size="xs"
          label={t('help.console.waitSetting')}
          min={0}
          max={3600}
          value={seconds}
          onChange={setSeconds}
          style={{ flex: 1 }}
        />
        <Button onClick={() => void save()}>{t('common.save')}</Button>
      </Group>
      {saved && (
        <Text size="xs" role="status">
          {t('common.saved')}
        </Text>
      )}
      <ErrorAlert error={error} />
    </Paper>
  );
}
