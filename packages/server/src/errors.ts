import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CalendarError, SlaError, type SlaErrorCode } from './sla/sla-core.ts';

/** Every machine-readable error the API can answer; a new code does not compile until `httpStatus` maps it. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'BAD_REQUEST'
  | 'BODY_TOO_LARGE'
  | 'URI_TOO_LONG'
  | 'HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'UNKNOWN_PRIORITY'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'ROUTE_NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'INVALID_CREDENTIALS'
  | 'TOO_MANY_ATTEMPTS'
  | 'FORBIDDEN'
  | 'WORKSPACE_REQUIRED'
  | 'WORKSPACE_NOT_FOUND'
  | 'TICKET_NOT_FOUND'
  | 'ORGANIZATION_NOT_FOUND'
  | 'CONTRACT_NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'CALENDAR_NOT_FOUND'
  | 'ATTACHMENT_NOT_FOUND'
  | 'TOKEN_NOT_FOUND'
  | 'QUOTE_NOT_FOUND'
  | 'NO_CONTRACT'
  | 'UNKNOWN_PLAN'
  | 'CHANNEL_NOT_ALLOWED'
  | 'INVALID_TRANSITION'
  | 'INVALID_ASSIGNEE'
  | 'PRECONDITION_REQUIRED'
  | 'VERSION_CONFLICT'
  | 'EMAIL_TAKEN'
  | 'NAME_TAKEN'
  | 'WEAK_PASSWORD'
  | 'INVALID_POLICY'
  | 'INVALID_CALENDAR'
  | 'CONTRACT_CALENDAR_REQUIRED'
  | 'CALENDAR_NEVER_OPEN'
  | 'QUOTE_REQUIRED'
  | 'BILLING_DECIDED'
  | 'QUOTE_NOT_PENDING'
  | 'NOT_BILLABLE'
  | 'ATTACHMENT_TOO_LARGE'
  | 'ATTACHMENT_TYPE_NOT_ALLOWED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'IDEMPOTENCY_SECRET_WITHHELD'
  | 'CSRF_REJECTED'
  | 'INVITATION_NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'WEBHOOK_NOT_FOUND'
  | 'WEBHOOK_TARGET_FORBIDDEN'
  | 'NOTIFICATION_NOT_FOUND'
  | 'PREFERENCE_LOCKED'
  | 'PUSH_SUBSCRIPTION_NOT_FOUND'
  | 'PUSH_ENDPOINT_FORBIDDEN'
  | 'ARTICLE_NOT_FOUND'
  | 'CHAT_NOT_FOUND'
  | 'CHAT_ALREADY_TAKEN'
  | 'CHAT_CLOSED'
  | 'CHAT_TICKET_EXISTS'
  | 'CONSULTATION_NOT_FOUND'
  | 'CONSULTATIONS_NOT_ENABLED'
  | 'CONSULTANT_NOT_FOUND'
  | 'CONSULTANT_PROFILE_REQUIRED'
  | 'CONSULTANT_UNAVAILABLE'
  | 'CONSULTANT_AT_CAPACITY'
  | 'CONSULTANT_NOT_QUALIFIED'
  | 'CONSULTATION_ALREADY_TAKEN'
  | 'MONITOR_NOT_FOUND'
  | 'MONITOR_TARGET_FORBIDDEN'
  | 'MAINTENANCE_NOT_FOUND'
  | 'INBOUND_MAIL_NOT_FOUND'
  | 'DATABASE_BUSY'
  | 'INTERNAL';

export const httpStatus = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BAD_REQUEST: 400,
  BODY_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  UNKNOWN_PRIORITY: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ROUTE_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOO_MANY_ATTEMPTS: 429,
  FORBIDDEN: 403,
  WORKSPACE_REQUIRED: 400,
  WORKSPACE_NOT_FOUND: 404,
  TICKET_NOT_FOUND: 404,
  ORGANIZATION_NOT_FOUND: 404,
  CONTRACT_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  CALENDAR_NOT_FOUND: 404,
  ATTACHMENT_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  QUOTE_NOT_FOUND: 404,
  NO_CONTRACT: 422,
  UNKNOWN_PLAN: 422,
  CHANNEL_NOT_ALLOWED: 422,
  INVALID_TRANSITION: 422,
  INVALID_ASSIGNEE: 422,
  PRECONDITION_REQUIRED: 428,
  VERSION_CONFLICT: 409,
  EMAIL_TAKEN: 409,
  NAME_TAKEN: 409,
  WEAK_PASSWORD: 422,
  INVALID_POLICY: 422,
  INVALID_CALENDAR: 422,
  CONTRACT_CALENDAR_REQUIRED: 422,
  CALENDAR_NEVER_OPEN: 422,
  BILLING_DECIDED: 422,
  QUOTE_REQUIRED: 422,
  QUOTE_NOT_PENDING: 409,
  NOT_BILLABLE: 422,
  ATTACHMENT_TOO_LARGE: 413,
  ATTACHMENT_TYPE_NOT_ALLOWED: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENCY_SECRET_WITHHELD: 409,
  CSRF_REJECTED: 403,
  INVITATION_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  WEBHOOK_NOT_FOUND: 404,
  WEBHOOK_TARGET_FORBIDDEN: 422,
  NOTIFICATION_NOT_FOUND: 404,
  PREFERENCE_LOCKED: 422,
  PUSH_SUBSCRIPTION_NOT_FOUND: 404,
  PUSH_ENDPOINT_FORBIDDEN: 422,
  ARTICLE_NOT_FOUND: 404,
  CHAT_NOT_FOUND: 404,
  CHAT_ALREADY_TAKEN: 409,
  CHAT_CLOSED: 422,
  CHAT_TICKET_EXISTS: 409,
  CONSULTATION_NOT_FOUND: 404,
  CONSULTATIONS_NOT_ENABLED: 422,
  CONSULTANT_NOT_FOUND: 422,
  CONSULTANT_PROFILE_REQUIRED: 422,
  CONSULTANT_UNAVAILABLE: 422,
  CONSULTANT_AT_CAPACITY: 422,
  CONSULTANT_NOT_QUALIFIED: 422,
  CONSULTATION_ALREADY_TAKEN: 409,
  MONITOR_NOT_FOUND: 404,
  MONITOR_TARGET_FORBIDDEN: 422,
  MAINTENANCE_NOT_FOUND: 404,
  INBOUND_MAIL_NOT_FOUND: 404,
  DATABASE_BUSY: 503,
  INTERNAL: 500,
} as const satisfies Record<ErrorCode, number>;

/** The one error services throw: a code for machines, a message for people, optional structured details. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Response schemas for the error codes a route can answer, for OpenAPI. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorBodySchema> {
  const out: Record<number, typeof errorBodySchema> = {};
  for (const status of new Set([400, 401, 500, ...statuses])) out[status] = errorBodySchema;
  return out;
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/** The core's errors reach the API only through input that names something the policy does not have. */
const slaErrorCodes = {
  INVALID_POLICY: 'INVALID_POLICY',
  UNKNOWN_POLICY_PRESET: 'INVALID_POLICY',
  UNKNOWN_PLAN: 'UNKNOWN_PLAN',
  UNKNOWN_PRIORITY: 'UNKNOWN_PRIORITY',
  UNKNOWN_METRIC: 'INVALID_POLICY',
  UNKNOWN_CALENDAR: 'INVALID_CALENDAR',
  INVALID_EVENTS: 'INVALID_TRANSITION',
  // A Sur Mesure ticket needs the contract's extended hours: no contract calendar on file.
  CONTRACT_CALENDAR_REQUIRED: 'CONTRACT_CALENDAR_REQUIRED',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
} as const satisfies Record<SlaErrorCode, ErrorCode>;

/** A UNIQUE constraint refused a write (SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, PostgreSQL `23505`). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The database gave up on a transaction because of other transactions, not because of this request: a deadlock or a
 * serialization failure (PostgreSQL 40P01, 40001), a lock not granted in time (55P03), or SQLite still locked after its
 * busy timeout. Nothing of it was written; the same request sent again succeeds.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === '40P01' || code === '40001' || code === '55P03' || code === 'SQLITE_BUSY';
}

export function fromCoreError(error: unknown): DomainError | undefined {
  if (error instanceof SlaError) return new DomainError(slaErrorCodes[error.code], error.message);
  if (error instanceof CalendarError) return new DomainError('INVALID_CALENDAR', error.message);
  return undefined;
}

/** Fastify's own URL errors (before routing) in the API's error shape. */
export function frameworkErrorBody(error: FastifyError): { status: number; body: ErrorBody } {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return { status: 414, body: errorBody('URI_TOO_LONG', 'a path segment is too long') };
  return { status: error.statusCode ?? 400, body: errorBody('BAD_REQUEST', error.message) };
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers too large, timeouts, garbage), answered
 * in the API's error shape like everything else.
 */
export function clientErrorResponse(error: NodeJS.ErrnoException): string {
  const [status, code, message]: [number, ErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'the request took too long to arrive']
        : [400, 'BAD_REQUEST', 'malformed HTTP request'];
  const body = JSON.stringify(errorBody(code, message));
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`;
}

/** Maps anything a request can throw to `{ error: { code, message } }`; bad input never becomes a 500. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const domainError = error instanceof DomainError ? error : fromCoreError(error);
    if (domainError) {
      return reply
        .code(httpStatus[domainError.code])
        .send(errorBody(domainError.code, domainError.message, domainError.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const issues = error.validation.map((issue) => ({
        path:
          issue.instancePath === '' || issue.instancePath === '/'
            ? where
            : `${where}${issue.instancePath.replaceAll('/', '.')}`,
        message: issue.message ?? 'invalid',
      }));
      const summary = issues
        .slice(0, 3)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ');
      return reply.code(400).send(errorBody('VALIDATION_FAILED', `invalid ${where}: ${summary}`, { issues }));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response does not match its schema');
      return reply.code(500).send(errorBody('INTERNAL', 'internal error'));
    }
    if (
      isFastifyError(error) &&
      error.statusCode !== undefined &&
      error.statusCode >= 400 &&
      error.statusCode < 500
    ) {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return reply.code(413).send(errorBody('BODY_TOO_LARGE', 'request body is too large'));
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return reply
          .code(415)
          .send(
            errorBody(
              'UNSUPPORTED_MEDIA_TYPE',
              `unsupported content type '${request.headers['content-type'] ?? ''}'; send application/json`,
            ),
          );
      }
      if (
        error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
        error instanceof SyntaxError ||
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
      ) {
        return reply
          .code(400)
          .send(errorBody('MALFORMED_JSON', `request body is not valid JSON: ${error.message}`));
      }
      return reply.code(error.statusCode).send(errorBody('BAD_REQUEST', error.message));
    }
    // A race the service's own check did not catch (two creations at once) is a conflict, not a server fault.
    if (isUniqueViolation(error)) {
      request.log.info({ err: error }, 'unique constraint race');
      return reply
        .code(409)
        .send(errorBody('ALREADY_EXISTS', 'a concurrent request created the same record; reload and retry'));
    }
    if (isTransientDatabaseError(error)) {
      request.log.warn({ err: error }, 'transaction refused by the database under contention');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send(
          errorBody('DATABASE_BUSY', 'the database was busy with other changes; nothing was saved, retry'),
        );
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('INTERNAL', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}
