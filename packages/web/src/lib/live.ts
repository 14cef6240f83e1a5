import { useEffect, useRef } from 'react';
import { currentWorkspace } from '../api/client.ts';

export const POLL_INTERVAL_MS = 15_000;
/** Events arriving together (a reply is a `ticket.updated` and a `ticket.commented`) call back once. */
export const COALESCE_MS = 300;
/** After the stream was refused or failed for good, how long the page polls before trying it again. */
const RETRY_STREAM_MS = 60_000;

export const LIVE_EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.commented',
  'sla.warning',
  'sla.breached',
  // Consultation requests: staff see all; the client, the consultant it is with and, on the board, the qualified
  // consultants see theirs (server: consultations/consultation-workflow.ts `enqueue`).
  'consultation.created',
  'consultation.offered',
  'consultation.listed',
  'consultation.unassigned',
  'consultation.accepted',
  'consultation.claimed',
  'consultation.declined',
  'consultation.expired',
  'consultation.contacted',
  'consultation.message',
  'consultation.contact-warning',
  'consultation.contact-overdue',
  'consultation.closed',
  'consultation.cancelled',
  // The server could not replay a gap this old: reload everything.
  'reset',
] as const;

type Listener = () => void;

/**
 * One stream per browser and workspace, whatever the number of tabs and of components listening:
 * `GET /api/v1/stream?workspace=…` (EventSource sends the session cookie; it resumes by itself with Last-Event-ID
 * after a drop). A browser keeps at most six HTTP/1.1 connections to a host and each open stream holds one: with a
 * stream per tab, a seventh tab could load nothing at all. So the tab holding the Web Lock `accord-live:<workspace>`
 * opens the stream and relays each event over a BroadcastChannel of the same name; the other tabs listen there, and
 * when the holder closes the lock passes to one of them. Without those APIs each tab has its own stream.
 * While the stream is down, every listener is called every 15 s instead (polling); a stream refused for good is tried
 * again after a minute.
 */
const shared = {
  listeners: new Set<Listener>(),
  source: undefined as EventSource | undefined,
  workspace: null as string | null,
  pollTimer: undefined as ReturnType<typeof setInterval> | undefined,
  retryTimer: undefined as ReturnType<typeof setTimeout> | undefined,
  /** Tabs sharing one stream: the channel, and how to give up the lock (or stop waiting for it). */
  channel: undefined as BroadcastChannel | undefined,
  leave: undefined as (() => void) | undefined,
};

/** What the stream's tab tells the others. */
type Relay = { kind: 'event' } | { kind: 'down' } | { kind: 'up' };

function relay(message: Relay): void {
  shared.channel?.postMessage(message);
}

function notifyAll(): void {
  for (const listener of shared.listeners) listener();
}

function startPolling(): void {
  shared.pollTimer ??= setInterval(notifyAll, POLL_INTERVAL_MS);
}

function stopPolling(): void {
  if (shared.pollTimer !== undefined) clearInterval(shared.pollTimer);
  shared.pollTimer = undefined;
}

function closeSource(): void {
  shared.source?.close();
  shared.source = undefined;
  if (shared.retryTimer !== undefined) clearTimeout(shared.retryTimer);
  shared.retryTimer = undefined;
}

function closeStream(): void {
  closeSource();
  shared.leave?.();
  shared.leave = undefined;
  shared.channel?.close();
  shared.channel = undefined;
}

const sharingAvailable = (): boolean =>
  typeof BroadcastChannel !== 'undefined' &&
  typeof navigator !== 'undefined' &&
  navigator.locks !== undefined;

/** Opens this tab's EventSource, relaying what it hears to the other tabs. */
function openSource(): void {
  closeSource();
  if (typeof EventSource === 'undefined') {
    startPolling();
    return;
  }
  const query = shared.workspace === null ? '' : `?workspace=${encodeURIComponent(shared.workspace)}`;
  const source = new EventSource(`/api/v1/stream${query}`, { withCredentials: true });
  shared.source = source;
  const onEvent = () => {
    notifyAll();
    relay({ kind: 'event' });
  };
  for (const type of LIVE_EVENT_TYPES) source.addEventListener(type, onEvent);
  source.onmessage = onEvent;
  source.onopen = () => {
    relay({ kind: 'up' });
    if (shared.pollTimer === undefined) return;
    stopPolling();
    // Back after a failure: whatever happened while the stream was down is read once now.
    notifyAll();
  };
  source.onerror = () => {
    startPolling();
    relay({ kind: 'down' });
    // A dropped stream reconnects by itself; a refused one (401, 4xx) is closed for good: try again later.
    if (source.readyState === EventSource.CLOSED && shared.source === source) {
      closeSource();
      shared.retryTimer = setTimeout(() => {
        if (shared.listeners.size > 0) openSource();
      }, RETRY_STREAM_MS);
    }
  };
}

function openStream(): void {
  closeStream();
  shared.workspace = currentWorkspace();
  if (!sharingAvailable()) {
    openSource();
    return;
  }
  const name = `accord-live:${shared.workspace ?? ''}`;
  const channel = new BroadcastChannel(name);
  shared.channel = channel;
  channel.onmessage = (event: MessageEvent<Relay>) => {
    if (event.data.kind === 'event') notifyAll();
    else if (event.data.kind === 'down') startPolling();
    else if (shared.pollTimer !== undefined) {
      stopPolling();
      notifyAll();
    }
  };
  const abort = new AbortController();
  let release: (() => void) | undefined;
  shared.leave = () => {
    abort.abort();
    release?.();
  };
  // Held until this tab stops listening (or closes, which the browser turns into a release).
  navigator.locks
    .request(name, { signal: abort.signal }, () => {
      openSource();
      return new Promise<void>((resolve) => {
        release = () => {
          closeSource();
          resolve();
        };
      });
    })
    .catch(() => undefined);
}

function subscribe(listener: Listener): () => void {
  shared.listeners.add(listener);
  // A workspace switch needs a stream of the new workspace.
  const idle = shared.source === undefined && shared.retryTimer === undefined && shared.channel === undefined;
  if (idle || shared.workspace !== currentWorkspace()) openStream();
  return () => {
    shared.listeners.delete(listener);
    if (shared.listeners.size === 0) {
      closeStream();
      stopPolling();
    }
  };
}

/**
 * Calls `onChange` when something the page shows may have changed: on events of the server's SSE stream (coalesced),
 * or, while the stream does not answer, every 15 s.
 */
export function useLiveUpdates(onChange: () => void, enabled = true): void {
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listener = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        callback.current();
      }, COALESCE_MS);
    };
    const unsubscribe = subscribe(listener);
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [enabled]);
}
