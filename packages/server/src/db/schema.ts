import type { ColumnType } from 'kysely';

/**
 * The database as Kysely sees it. One schema for SQLite and PostgreSQL: instants are integer epoch
 * milliseconds (UTC, `bigint` in PostgreSQL parsed back to number), booleans are 0/1 integers, JSON is text.
 */
export interface WorkspaceTable {
  id: string;
  slug: string;
  name: string;
  policy_preset: string | null;
  policy_version: string;
  created_at: number;
}

export interface PolicyVersionTable {
  workspace_id: string;
  version: string;
  policy_json: string;
  created_at: number;
}

export interface CalendarTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  spec_json: string;
  created_at: number;
  updated_at: number;
}

export interface OrganizationTable {
  id: string;
  workspace_id: string;
  name: string;
  contacts_json: string;
  sites_json: string;
  created_at: number;
}

export interface ContractTable {
  id: string;
  workspace_id: string;
  organization_id: string;
  plan: string;
  maintenance_contract: number;
  hourly_rate_cents: number;
  currency: string;
  extended_calendar_key: string | null;
  created_at: number;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: number;
  disabled_at: number | null;
}

export interface MembershipTable {
  user_id: string;
  workspace_id: string;
  role: string;
  organization_id: string | null;
  created_at: number;
  /** Disabled in this workspace only (see migration 202611231600). */
  disabled_at: number | null;
}

export interface SessionTable {
  id: string;
  user_id: string;
  token_hash: string;
  kind: string;
  name: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface LoginAttemptTable {
  id: string;
  email: string;
  ip: string;
  success: number;
  at: number;
}

export interface TicketTable {
  id: string;
  workspace_id: string;
  organization_id: string;
  requester_id: string;
  assignee_id: string | null;
  subject: string;
  description: string;
  category: string;
  priority: string;
  channel: string;
  status: string;
  plan: string;
  policy_version: string;
  queue_class: string;
  queue_start_at: number;
  next_due_at: number | null;
  billing_mode: string;
  /** The contract's extended-hours calendar pinned at creation (null: none); optional on insert, default null. */
  extended_calendar_key: ColumnType<string | null, string | null | undefined, string | null>;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface TicketEventTable {
  id: string;
  ticket_id: string;
  workspace_id: string;
  seq: number;
  type: string;
  payload_json: string;
  actor_id: string | null;
  at: number;
}

export interface CommentTable {
  id: string;
  ticket_id: string;
  workspace_id: string;
  author_id: string;
  body: string;
  visibility: string;
  created_at: number;
}

export interface AttachmentTable {
  id: string;
  ticket_id: string;
  workspace_id: string;
  uploader_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  data: Uint8Array;
  created_at: number;
}

export interface TicketTagTable {
  ticket_id: string;
  workspace_id: string;
  tag: string;
}

export interface TicketSlaTable {
  ticket_id: string;
  workspace_id: string;
  metric: string;
  state: string;
  target: string | null;
  calendar_id: string;
  started_at: number;
  due_at: number | null;
  breached_at: number | null;
  stopped_at: number | null;
  used_ms: number;
  /** Null when the clock has no target. */
  target_ms: number | null;
  warning_threshold: number | null;
  computed_at: number;
}

export interface TimeEntryTable {
  id: string;
  workspace_id: string;
  ticket_id: string;
  organization_id: string;
  user_id: string;
  work_date: string;
  minutes: number;
  note: string;
  billable: number;
  rate_cents: number;
  currency: string;
  created_at: number;
}

export interface QuoteTable {
  id: string;
  workspace_id: string;
  ticket_id: string;
  amount_cents: number;
  currency: string;
  description: string;
  status: string;
  created_by: string;
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
}

export interface IdempotencyKeyTable {
  actor_id: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response_json: string | null;
  created_at: number;
}

export interface OutboxTable {
  id: string;
  workspace_id: string;
  idempotency_key: string;
  topic: string;
  payload_json: string;
  status: string;
  attempts: number;
  available_at: number;
  created_at: number;
  sent_at: number | null;
}

export interface Database {
  workspaces: WorkspaceTable;
  policy_versions: PolicyVersionTable;
  calendars: CalendarTable;
  organizations: OrganizationTable;
  contracts: ContractTable;
  users: UserTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  tickets: TicketTable;
  ticket_events: TicketEventTable;
  comments: CommentTable;
  attachments: AttachmentTable;
  ticket_tags: TicketTagTable;
  ticket_sla: TicketSlaTable;
  time_entries: TimeEntryTable;
  quotes: QuoteTable;
  idempotency_keys: IdempotencyKeyTable;
  outbox: OutboxTable;
}
