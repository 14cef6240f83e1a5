/**
 * The agents' queue filters, as the page holds them and as `GET /api/v1/queue` takes them. The server filters
 * (each filter along an index, text through the search index), so the page shows the agreements' order unchanged.
 */
export interface QueueFilters {
  readonly queue: 'all' | 'priority' | 'standard';
  /** 'all', 'me', 'none' or an agent's id. */
  readonly assignee: string;
  readonly status: string[];
  readonly priority: string[];
  readonly organizationId: string | null;
  readonly tag: string | null;
  /**
   * "Breaching before" as a horizon from the moment the queue is read, in hours (0: already overdue): a saved view
   * keeps meaning "what breaches in the next two hours", not a date that passes.
   */
  readonly breachingWithinHours: number | null;
  readonly text: string;
}

export const EMPTY_FILTERS: QueueFilters = {
  queue: 'all',
  assignee: 'all',
  status: [],
  priority: [],
  organizationId: null,
  tag: null,
  breachingWithinHours: null,
  text: '',
};

/** The horizons offered for "breaching before" (hours from now; 0 = already overdue). */
export const BREACH_HORIZONS_HOURS = [0, 1, 2, 4, 8, 24, 72] as const;

export interface QueueQuery {
  limit: number;
  queue?: 'priority' | 'standard';
  assignee?: string;
  status?: string;
  priority?: string;
  organizationId?: string;
  tag?: string;
  breachingBefore?: string;
  q?: string;
}

/** Whether a search holds a word the server can look for (letters or digits; punctuation alone is refused). */
export function searchable(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** The query string of `GET /api/v1/queue` for these filters, read at `nowMs`. */
export function queueQuery(filters: QueueFilters, nowMs: number, limit = 200): QueueQuery {
  const query: QueueQuery = { limit };
  if (filters.queue !== 'all') query.queue = filters.queue;
  if (filters.assignee !== 'all') query.assignee = filters.assignee;
  if (filters.status.length > 0) query.status = filters.status.join(',');
  if (filters.priority.length > 0) query.priority = filters.priority.join(',');
  if (filters.organizationId !== null) query.organizationId = filters.organizationId;
  if (filters.tag !== null) query.tag = filters.tag;
  if (filters.breachingWithinHours !== null)
    query.breachingBefore = new Date(nowMs + filters.breachingWithinHours * 3_600_000).toISOString();
  if (searchable(filters.text)) query.q = filters.text.trim().slice(0, 200);
  return query;
}

/** A saved view read back: filters saved by an older version of the page get today's defaults for what they lack. */
export function normalizeFilters(value: unknown): QueueFilters {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<
    Record<keyof QueueFilters, unknown>
  >;
  const strings = (x: unknown) =>
    Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];
  const text = (x: unknown) => (typeof x === 'string' && x !== '' ? x : null);
  return {
    queue: v.queue === 'priority' || v.queue === 'standard' ? v.queue : 'all',
    assignee: typeof v.assignee === 'string' && v.assignee !== '' ? v.assignee : 'all',
    status: strings(v.status).filter((s) => s === 'new' || s === 'open'),
    priority: strings(v.priority),
    organizationId: text(v.organizationId),
    tag: text(v.tag),
    breachingWithinHours:
      typeof v.breachingWithinHours === 'number' && v.breachingWithinHours >= 0
        ? v.breachingWithinHours
        : null,
    text: typeof v.text === 'string' ? v.text : '',
  };
}

/**
 * Saved views live in this browser's storage, one list per user and workspace. Why not the server: a view is a
 * personal arrangement of filters, needs no sharing or audit, and the API stays free of UI preferences; the price
 * is that views do not follow the agent to another browser.
 */
const viewsKey = (workspace: string, userId: string) => `accord.queue-views:${workspace}:${userId}`;

export function loadViews(workspace: string, userId: string): Record<string, QueueFilters> {
  try {
    const raw = JSON.parse(window.localStorage.getItem(viewsKey(workspace, userId)) ?? '{}') as unknown;
    if (typeof raw !== 'object' || raw === null) return {};
    return Object.fromEntries(Object.entries(raw).map(([name, f]) => [name, normalizeFilters(f)]));
  } catch {
    return {};
  }
}

export function saveViews(workspace: string, userId: string, views: Record<string, QueueFilters>): void {
  try {
    window.localStorage.setItem(viewsKey(workspace, userId), JSON.stringify(views));
  } catch {
    // Private mode or a full storage: the views last for this page.
  }
}
