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
  /** The admin who adopted it; null for the preset seeded with the workspace. */
  adopted_by: string | null;
}

export interface PolicyReviewTable {
  id: string;
  workspace_id: string;
  version: string;
  reviewed_at: number;
  reviewed_by: string;
  note: string;
  /** YYYY-MM-DD in the policy's zone. */
  next_review_date: string;
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
  /** The contract's own monthly availability target in ppm (migration 202611291730); null: the policy's. */
  availability_target_ppm: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: number;
  disabled_at: number | null;
  /** The user's own language and IANA zone (migration 202611291800); null: the workspace's. */
  language: string | null;
  time_zone: string | null;
}

export interface MembershipTable {
  user_id: string;
  workspace_id: string;
  role: string;
  organization_id: string | null;
  created_at: number;
  /** Disabled in this workspace only (see migration 202611231600). */
  disabled_at: number | null;
  /** Pending: grants nothing until its holder joins (`sign-in`) or accepts (`consent`); see migration 202611291310. */
  invitation: 'sign-in' | 'consent' | null;
  /** The name the inviting admin typed, shown to that workspace while the membership is pending. */
  invited_name: string | null;
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
  /** Billing terms of the contract pinned at creation (migration 202611291300). */
  maintenance_contract: number;
  hourly_rate_cents: number;
  currency: string;
  /** Where the ticket stands in the agents' queue, as its policy orders it (core `queueSortKey`). */
  queue_key: ColumnType<string, string | undefined, string>;
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
  /** `internal`: staff only (migration 202611291300). */
  visibility: ColumnType<string, string | undefined, string>;
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

export interface JobTable {
  id: string;
  workspace_id: string;
  kind: string;
  key: string;
  subject_id: string;
  due_at: number;
  payload_json: string;
  /** pending | running | retry | done | dead | skipped (scheduler/jobs.repository.ts: JobState) */
  state: string;
  attempts: number;
  lease_until: number | null;
  last_error: string | null;
  fired_at: number | null;
  lateness_ms: number | null;
  created_at: number;
  /** Why a `skipped` job was withdrawn unfired (scheduler/jobs.repository.ts: SkipReason); null otherwise. */
  skip_reason: string | null;
}

export interface WebhookTable {
  id: string;
  workspace_id: string;
  url: string;
  events_json: string;
  description: string | null;
  secret_enc: string;
  enabled: number;
  failing_since: number | null;
  disabled_at: number | null;
  disabled_reason: string | null;
  created_by: string;
  created_at: number;
  deleted_at: number | null;
}

export interface DeliveryTable {
  id: string;
  workspace_id: string;
  outbox_id: string;
  channel: string;
  target: string;
  event_type: string;
  message_json: string;
  /** pending | sending | sent | dead */
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  external_id: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface NotificationTable {
  id: string;
  workspace_id: string;
  user_id: string;
  type: string;
  ticket_id: string | null;
  /** The consultation request it is about (migration 202611292020; null, and optional on insert, for the rest). */
  consultation_id: ColumnType<string | null, string | null | undefined, string | null>;
  title: string;
  body: string;
  created_at: number;
  read_at: number | null;
}

/** Help centre (migration 202611291400); PostgreSQL also has a generated `search_vector`, never written. */
export interface HelpArticleTable {
  id: string;
  workspace_id: string;
  slug: string;
  language: string;
  title: string;
  body: string;
  category: string;
  tags_json: string;
  /** draft | published */
  state: string;
  translation_of: string | null;
  author_id: string | null;
  version: number;
  /** Stemmed, folded words of the title and body (core `indexTerms`), what the full-text index reads. */
  search_title: string;
  search_body: string;
  created_at: number;
  updated_at: number;
  published_at: number | null;
}

export interface HelpArticleVersionTable {
  article_id: string;
  version: number;
  title: string;
  body: string;
  category: string;
  tags_json: string;
  state: string;
  author_id: string | null;
  created_at: number;
}

export interface HelpVoteTable {
  article_id: string;
  visitor_key: string;
  helpful: number;
  at: number;
}

export interface HelpSearchMissTable {
  workspace_id: string;
  query: string;
  language: string;
  count: number;
  first_at: number;
  last_at: number;
}

/** Live chat (migration 202611291401). */
export interface ChatTable {
  id: string;
  workspace_id: string;
  organization_id: string;
  client_id: string;
  language: string;
  time_zone: string;
  /** bot | waiting | agent | closed */
  mode: string;
  agent_id: string | null;
  bot_state: string;
  waiting_until: number | null;
  last_seq: number;
  ticket_id: string | null;
  ticket_claimed_at: number | null;
  client_typing_until: number | null;
  agent_typing_until: number | null;
  started_at: number;
  updated_at: number;
  closed_at: number | null;
}

export interface ChatMessageTable {
  id: string;
  chat_id: string;
  seq: number;
  /** client | agent | bot */
  author: string;
  author_id: string | null;
  text: string;
  articles_json: string;
  attachment_json: string | null;
  at: number;
}

export interface ChatAttachmentTable {
  id: string;
  chat_id: string;
  uploader_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  data: Uint8Array;
  created_at: number;
}

export interface ChatPresenceTable {
  workspace_id: string;
  user_id: string;
  available: number;
  expires_at: number;
}

export interface ChatSettingsTable {
  workspace_id: string;
  wait_seconds: number;
  updated_at: number;
}

/** Consultation requests (migration 202611291420). */
export interface ConsultantProfileTable {
  workspace_id: string;
  user_id: string;
  specialties_json: string;
  languages_json: string;
  capacity: number;
  available: number;
  away_until: number | null;
  bio: string;
  updated_at: number;
}

export interface ConsultationTable {
  id: string;
  workspace_id: string;
  client_id: string;
  organization_id: string | null;
  subject: string;
  description: string;
  specialty: string;
  language: string | null;
  /** direct | board */
  mode: string;
  /** offered | open | accepted | contacted | closed | cancelled */
  state: string;
  consultant_id: string | null;
  offered_at: number | null;
  accept_due_at: number | null;
  accepted_at: number | null;
  contact_due_at: number | null;
  contacted_at: number | null;
  contact_kind: string | null;
  ended_at: number | null;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface ConsultationEventTable {
  id: string;
  consultation_id: string;
  workspace_id: string;
  type: string;
  actor_id: string | null;
  consultant_id: string | null;
  payload_json: string;
  at: number;
  seq: number;
}

/** A message of a consultation request's thread (migration 202611291700). */
export interface ConsultationMessageTable {
  id: string;
  consultation_id: string;
  workspace_id: string;
  author_id: string;
  body: string;
  created_at: number;
  seq: number;
}

export interface ConsultationExclusionTable {
  consultation_id: string;
  consultant_id: string;
  /** declined | expired */
  reason: string;
  at: number;
}

/** Availability (availability/): a monitor, its settings and confirmed state (see the migration 202611291440). */
export interface MonitorTable {
  id: string;
  workspace_id: string;
  organization_id: string;
  name: string;
  /** http | tcp | heartbeat */
  kind: string;
  url: string | null;
  host: string | null;
  port: number | null;
  interval_seconds: number;
  timeout_seconds: number;
  expected_status: number | null;
  keyword: string | null;
  slow_ms: number | null;
  confirmations: number;
  resolve_on_recovery: number;
  is_public: number;
  heartbeat_token_hash: string | null;
  /** up | down | error | slow | unknown */
  state: string;
  candidate: string | null;
  streak: number;
  baseline_ms: number | null;
  outage_ticket_id: string | null;
  slow_ticket_id: string | null;
  last_check_at: number | null;
  tls_expires_at: number | null;
  /** Where the monitor's rollups end (migration 202611292010); null: nothing rolled yet. */
  rolled_until: number | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface MonitorResultTable {
  id: string;
  monitor_id: string;
  at: number;
  status: string;
  latency_ms: number | null;
  detail: string;
}

/** A UTC minute, hour or day (`bucket_ms`) of a monitor's timeline (core availability/rollup.ts). */
export interface MonitorRollupTable {
  monitor_id: string;
  bucket_ms: number;
  bucket_at: number;
  up_ms: number;
  slow_ms: number;
  down_ms: number;
  error_ms: number;
  up_count: number;
  slow_count: number;
  down_count: number;
  error_count: number;
  latency_sum_ms: number;
  latency_count: number;
  latency_max_ms: number | null;
}

/** A certificate expiry warning sent: once per monitor, certificate (its end) and threshold. */
export interface MonitorTlsWarningTable {
  monitor_id: string;
  expires_at: number;
  threshold_days: number;
  warned_at: number;
}

export interface MonitorRunTable {
  id: string;
  monitor_id: string;
  due_at: number;
  attempts: number;
  lease_until: number | null;
}

export interface MaintenanceWindowTable {
  id: string;
  workspace_id: string;
  organization_id: string | null;
  monitor_ids_json: string | null;
  starts_at: number;
  ends_at: number;
  rrule: string | null;
  time_zone: string;
  title: string;
  announce: number;
  created_by: string;
  created_at: number;
}

export interface AvailabilityExclusionTable {
  id: string;
  workspace_id: string;
  organization_id: string | null;
  monitor_id: string | null;
  from_at: number;
  to_at: number;
  /** force-majeure | client-side | misuse */
  reason: string;
  note: string;
  created_by: string;
  created_at: number;
}

/** Inbound e-mail, stored raw before processing (migration 202611291810; mail-inbound/). */
export interface InboundMailTable {
  id: string;
  workspace_id: string | null;
  /** smtp | import */
  source: string;
  envelope_from: string | null;
  envelope_to_json: string;
  raw: Uint8Array;
  size_bytes: number;
  message_id: string | null;
  from_address: string | null;
  subject: string | null;
  /** received | processed | ignored | held | failed (mail-inbound/inbound-mail.repository.ts) */
  status: string;
  reason: string | null;
  ticket_id: string | null;
  attempts: number;
  last_error: string | null;
  replied_at: number | null;
  received_at: number;
  processed_at: number | null;
}

/** What staff did with held inbound e-mail: replay, attach, discard (migration 202611292030; mail-inbound/). */
export interface InboundMailActionTable {
  id: string;
  workspace_id: string;
  inbound_id: string;
  /** replay | attach | discard */
  action: string;
  actor_id: string;
  from_address: string | null;
  held_reason: string | null;
  outcome: string;
  ticket_id: string | null;
  at: number;
}

/** What a message already did, marked in the ticket change that did it (migration 202611292200; mail-inbound/). */
export interface InboundMailEffectTable {
  inbound_id: string;
  /** ticket | reply | attachment:<its place in the message> */
  effect: string;
  ticket_id: string;
  /** The outcome's reason when a replay finishes the message ('new ticket', 'reply by reply-token'). */
  note: string | null;
  at: number;
}

/** Live updates, web push and notification preferences (migration 202611291800; live/, notifications/). */
export interface LiveSequenceTable {
  name: string;
  value: number;
}

export interface LiveEventTable {
  seq: number;
  workspace_id: string;
  outbox_id: string;
  type: string;
  ticket_id: string | null;
  organization_id: string | null;
  requester_id: string | null;
  /** all (the ticket's organization or requester) | staff | users (staff and the event's recipients) */
  audience: string;
  data_json: string;
  created_at: number;
}

/** The named addressees of a live event of audience `users` (migration 202611292020). */
export interface LiveEventRecipientTable {
  user_id: string;
  seq: number;
}

export interface NotificationPreferenceTable {
  user_id: string;
  workspace_id: string;
  event_type: string;
  channel: string;
  enabled: number;
  updated_at: number;
}

export interface PushSubscriptionTable {
  id: string;
  workspace_id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  user_agent: string | null;
  created_at: number;
  last_error: string | null;
}

export interface ServerKeyTable {
  name: string;
  public_key: string;
  private_key_enc: string;
  created_at: number;
}

export interface Database {
  workspaces: WorkspaceTable;
  policy_versions: PolicyVersionTable;
  policy_reviews: PolicyReviewTable;
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
  jobs: JobTable;
  webhooks: WebhookTable;
  deliveries: DeliveryTable;
  notifications: NotificationTable;
  live_sequence: LiveSequenceTable;
  live_events: LiveEventTable;
  live_event_recipients: LiveEventRecipientTable;
  notification_preferences: NotificationPreferenceTable;
  push_subscriptions: PushSubscriptionTable;
  server_keys: ServerKeyTable;
  help_articles: HelpArticleTable;
  help_article_versions: HelpArticleVersionTable;
  help_votes: HelpVoteTable;
  help_search_misses: HelpSearchMissTable;
  chats: ChatTable;
  chat_messages: ChatMessageTable;
  chat_attachments: ChatAttachmentTable;
  chat_presence: ChatPresenceTable;
  chat_settings: ChatSettingsTable;
  consultant_profiles: ConsultantProfileTable;
  consultations: ConsultationTable;
  consultation_events: ConsultationEventTable;
  consultation_exclusions: ConsultationExclusionTable;
  consultation_messages: ConsultationMessageTable;
  monitors: MonitorTable;
  monitor_results: MonitorResultTable;
  monitor_rollups: MonitorRollupTable;
  monitor_tls_warnings: MonitorTlsWarningTable;
  monitor_runs: MonitorRunTable;
  maintenance_windows: MaintenanceWindowTable;
  availability_exclusions: AvailabilityExclusionTable;
  inbound_mail: InboundMailTable;
  inbound_mail_actions: InboundMailActionTable;
  inbound_mail_effects: InboundMailEffectTable;
}
