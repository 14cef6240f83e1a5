import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import type { components, paths } from '../../api/schema';

export type Monitor = components['schemas']['Monitor'];
export type Figures = components['schemas']['AvailabilityFigures'];
export type MonitorState = Monitor['state'];
export type CheckResult =
  paths['/api/v1/monitors/{id}/results']['get']['responses'][200]['content']['application/json']['items'][number];
export type OrgAvailability =
  paths['/api/v1/organizations/{id}/availability']['get']['responses'][200]['content']['application/json'];

const STATE_COLORS: Record<MonitorState, string> = {
  up: '#1e6b34',
  slow: '#8a5300',
  down: 'red.9',
  error: 'red.9',
  unknown: 'gray.7',
};

/** A monitor's current state, in words and colour (the word carries it; colour only repeats it; AA contrast). */
export function StateBadge({ state }: { state: MonitorState }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATE_COLORS[state]} variant="outline" radius="sm" tt="none" data-state={state}>
      {t(`availability.state.${state}`)}
    </Badge>
  );
}

/** 0.99312 → "99.31 %" in the reader's locale; null (no data) → "—". */
export function formatPercent(fraction: number | null | undefined, locale: string, digits = 2): string {
  if (fraction === null || fraction === undefined) return '—';
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(fraction);
}

/** 4980 → "1 h 23 min" (narrow units, the reader's locale). */
export function formatSeconds(totalSeconds: number, locale: string): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const unit = (value: number, name: string) =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'narrow' }).format(value);
  const parts: string[] = [];
  if (d > 0) parts.push(unit(d, 'day'));
  if (h > 0) parts.push(unit(h, 'hour'));
  if (m > 0 || parts.length === 0) parts.push(unit(d > 0 ? m : m, 'minute'));
  if (d === 0 && h === 0 && m < 5 && s % 60 > 0) parts.push(unit(s % 60, 'second'));
  return new Intl.ListFormat(locale, { style: 'narrow', type: 'unit' }).format(parts);
}

/** The calendar month ("2026-03") of an instant in a zone. */
export function monthOf(atMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(new Date(atMs));
  const year = parts.find((p) => p.type === 'year')?.value ?? '1970';
  const month = parts.find((p) => p.type === 'month')?.value ?? '01';
  return `${year}-${month}`;
}

/** The last `count` months, newest first, ending with the one holding `atMs`. */
export function recentMonths(atMs: number, timeZone: string, count = 12): string[] {
  const [y, m] = monthOf(atMs, timeZone).split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const index = y * 12 + (m - 1) - i;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}

/** "March 2026" in the reader's language. */
export function formatMonth(month: string, locale: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 15)),
  );
}

/**
 * Downloads the monthly report as CSV or PDF through the typed client (so the workspace header goes along, which a
 * plain link would not send), then hands the file to the browser.
 */
export async function downloadReport(
  organizationId: string,
  month: string,
  format: 'csv' | 'pdf',
  lang: 'en' | 'fr' | 'ar',
): Promise<void> {
  const result = api.GET('/api/v1/reports/sla', {
    params: { query: { organizationId, month, format, lang } },
    parseAs: 'blob',
  });
  // A refusal comes back as the API's JSON error, which `call` turns into an ApiError.
  const data = (await call(result)) as unknown as Blob;
  const url = URL.createObjectURL(data);
  const link = document.createElement('a');
  link.href = url;
  link.download = `sla-${month}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
