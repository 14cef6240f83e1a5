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
  | 'QUOTE_REQUIRED'
  | 'QUOTE_NOT_PENDING'
  | 'NOT_BILLABLE'
  | 'ATTACHMENT_TOO_LARGE'
  | 'ATTACHMENT_TYPE_NOT_ALLOWED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'ALREADY_EXISTS'
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
  QUOTE_REQUIRED: 422,
  QUOTE_NOT_PENDING: 409,
  NOT_BILLABLE: 422,
  ATTACHMENT_TOO_LARGE: 413,
  ATTACHMENT_TYPE_NOT_ALLOWED: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  ALREADY_EXISTS: 409,
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
} as const satisfies Record<SlaErrorCode, ErrorCode>;

/** A UNIQUE constraint refused a write (SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, PostgreSQL `23505`). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
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
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('INTERNAL', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}
