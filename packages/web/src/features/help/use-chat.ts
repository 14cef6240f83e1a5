import { useCallback, useEffect, useRef, useState } from 'react';
import { api, call } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { useSession } from '../../session.tsx';

export type Chat = components['schemas']['Chat'];
export type ChatMessage = components['schemas']['ChatMessage'];

const POLL_MS = 2000;

/**
 * One chat, live: the server's SSE stream (`GET /chats/{id}/stream`, `message` and `chat` events) when it can be
 * used, else polling `GET /chats/{id}/messages?after=` every 2 s. EventSource cannot send the X-Accord-Workspace
 * header, so a reader with several workspaces polls.
 */
export function useChat(id: string | null) {
  const { me } = useSession();
  const [chat, setChat] = useState<Chat | null>(null);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const lastSeq = useRef(0);
  const canStream = (me?.memberships.length ?? 0) <= 1;

  const merge = useCallback((items: readonly ChatMessage[]) => {
    if (items.length === 0) return;
    setMessages((previous) => {
      const seen = new Set(previous.map((m) => m.seq));
      const added = items.filter((m) => !seen.has(m.seq));
      if (added.length === 0) return previous;
      const next = [...previous, ...added].sort((a, b) => a.seq - b.seq);
      lastSeq.current = next.at(-1)?.seq ?? 0;
      return next;
    });
  }, []);

  const refresh = useCallback(async () => {
    if (id === null) return;
    const data = await call(
      api.GET('/api/v1/chats/{id}/messages', {
        params: { path: { id }, query: { after: lastSeq.current } },
      }),
    );
    setChat(data.chat);
    merge(data.items);
  }, [id, merge]);

  useEffect(() => {
    setChat(null);
    setMessages([]);
    lastSeq.current = 0;
    if (id === null) return;
    void refresh().catch(() => undefined);
    let timer: ReturnType<typeof setInterval> | undefined;
    const poll = () => {
      timer ??= setInterval(() => void refresh().catch(() => undefined), POLL_MS);
    };
    let source: EventSource | undefined;
    if (typeof EventSource === 'undefined' || !canStream) poll();
    else {
      source = new EventSource(`/api/v1/chats/${id}/stream`, { withCredentials: true });
      source.addEventListener('message', (event) => merge([JSON.parse(event.data as string) as ChatMessage]));
      source.addEventListener('chat', (event) => setChat(JSON.parse(event.data as string) as Chat));
      source.onerror = () => {
        // A dropped stream reconnects by itself (resuming after Last-Event-ID); meanwhile, and if refused, poll.
        poll();
        if (source?.readyState === EventSource.CLOSED) source.close();
      };
      source.onopen = () => {
        if (timer !== undefined) clearInterval(timer);
        timer = undefined;
      };
    }
    return () => {
      source?.close();
      if (timer !== undefined) clearInterval(timer);
    };
  }, [id, canStream, merge, refresh]);

  return { chat, setChat, messages, merge, refresh };
}
