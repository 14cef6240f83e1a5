import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

/** The public API, typed from its OpenAPI document (`npm run api:types`). The session cookie signs requests in. */
export const api = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin,
  credentials: 'same-origin',
});

let workspace: string | null = null;
/** Users with several workspaces name the one they act in (X-Accord-Workspace). */
export function setWorkspace(slug: string | null): void {
  workspace = slug;
}
/** The workspace named in requests (the live stream names it in its URL: EventSource cannot set headers). */
export function currentWorkspace(): string | null {
  return workspace;
}
api.use({
  onRequest({ request }) {
    if (workspace !== null) request.headers.set('x-accord-workspace', workspace);
    return request;
  },
});

export type Ticket = components['schemas']['Ticket'];
export type SlaClock = components['schemas']['SlaClock'];

/** The API's `{ error: { code, message } }`, thrown so pages can show why the server refused. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Unwraps an openapi-fetch call: the data, or an ApiError with the server's code and message. */
export async function call<T>(promise: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await promise;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
  throw new ApiError(
    response.status,
    body.error?.code ?? `HTTP_${response.status}`,
    body.error?.message ?? response.statusText,
    body.error?.details,
  );
}
