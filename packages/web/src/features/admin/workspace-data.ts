import { useEffect, useState } from 'react';
import { api, call } from '../../api/client.ts';
import type { components } from '../../api/schema';
import type { Language } from '../../lib/language.ts';

export type Organization = components['schemas']['Organization'];
export type Contract = components['schemas']['Contract'];
export type User = components['schemas']['User'];
export type Webhook = components['schemas']['Webhook'];
export type WebhookDelivery = components['schemas']['WebhookDelivery'];

export interface PlanOption {
  readonly value: string;
  readonly label: string;
}

/** The plans of the workspace policy, named in the reader's language (the policy names them in fr and en). */
export function usePlans(language: Language): PlanOption[] {
  const [plans, setPlans] = useState<PlanOption[]>([]);
  useEffect(() => {
    void call(api.GET('/api/v1/policy'))
      .then((view) => {
        const raw = Array.isArray(view.policy['plans'])
          ? (view.policy['plans'] as Record<string, unknown>[])
          : [];
        setPlans(
          raw.map((p) => {
            const id = String(p['id']);
            const name = (p['name'] ?? {}) as Partial<Record<Language, string>>;
            return { value: id, label: name[language] ?? name.en ?? name.fr ?? id };
          }),
        );
      })
      .catch(() => setPlans([]));
  }, [language]);
  return plans;
}

/** The workspace's own calendars: a contract's extended hours name one of them. */
export function useCalendars(): { value: string; label: string }[] {
  const [calendars, setCalendars] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    void call(api.GET('/api/v1/calendars'))
      .then((d) => setCalendars(d.calendars.map((c) => ({ value: c.key, label: `${c.name} (${c.key})` }))))
      .catch(() => setCalendars([]));
  }, []);
  return calendars;
}

export const planName = (plans: readonly PlanOption[], id: string): string =>
  plans.find((p) => p.value === id)?.label ?? id;

/** Cents and an ISO currency, in the reader's locale. */
export function formatRate(cents: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}
