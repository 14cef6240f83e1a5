/** The channels a message can go out on; one provider each, built at start-up. */
export const CHANNELS = ['email', 'webhook', 'in-app', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];

/** One delivery, as a provider sees it. `id` is stable across retries: the Message-ID, the `webhook-id`. */
export interface OutgoingMessage {
  readonly id: string;
  readonly workspaceId: string;
  readonly channel: Channel;
  /** E-mail address, webhook id, user id (in-app) or push subscription id. */
  readonly target: string;
  readonly eventType: string;
  /** What the fan-out stored for this channel (see fan-out.ts); the same on every attempt. */
  readonly content: Record<string, unknown>;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

export interface NotificationProvider {
  send(message: OutgoingMessage): Promise<{ externalId: string }>;
  /** Delay before the next attempt after `attempts` failures, or null to give up. */
  retryDelayMs(attempts: number): number | null;
}

/** A failure no retry can mend (the webhook was deleted or disabled): the delivery is dead at once. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/** `base · 2^(attempts−1)` capped at `maxMs`, or null after `maxAttempts`. */
export function exponentialRetry(baseMs: number, maxMs: number, maxAttempts: number) {
  return (attempts: number): number | null =>
    attempts >= maxAttempts ? null : Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
