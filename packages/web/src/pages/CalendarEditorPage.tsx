import {
  Alert,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, call } from '../api/client.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatInstant } from '../lib/countdown.ts';
import { formatDayHours, hhmm, parseDayHours, previewDays } from '../lib/week-preview.ts';
import { useSession } from '../session.tsx';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Preview = {
  timeZone: string;
  from: string;
  to: string;
  open: { start: string; end: string }[];
  dueAt: string | null;
};

interface Form {
  key: string;
  name: string;
  timeZone: string;
  businessDay: string;
  week: Record<(typeof DAYS)[number], string>;
  closed: string;
  holidays: string;
  /** What the form does not edit (special days, holiday exclusions) is kept as it was. */
  rest: Record<string, unknown>;
}

const blank: Form = {
  key: '',
  name: '',
  timeZone: 'Europe/Brussels',
  businessDay: 'PT9H',
  week: {
    mon: '08:30-17:30',
    tue: '08:30-17:30',
    wed: '08:30-17:30',
    thu: '08:30-17:30',
    fri: '08:30-17:30',
    sat: '',
    sun: '',
  },
  closed: '',
  holidays: '',
  rest: {},
};

function specOf(form: Form): Record<string, unknown> {
  const week = Object.fromEntries(DAYS.map((d) => [d, parseDayHours(form.week[d])]));
  return {
    ...form.rest,
    timeZone: form.timeZone.trim(),
    week,
    closed: form.closed.split(/\s+/).filter((s) => s !== ''),
    holidays: form.holidays
      .split(/[\s,]+/)
      .filter((s) => s !== '')
      .map((country) => ({ country: country.toUpperCase() })),
    ...(form.businessDay.trim() === '' ? {} : { businessDay: form.businessDay.trim() }),
  };
}

function formOf(key: string, name: string, spec: Record<string, unknown>): Form {
  const { timeZone, week, closed, holidays, businessDay, ...rest } = spec as {
    timeZone?: string;
    week?: Record<string, string[][]>;
    closed?: string[];
    holidays?: { country: string }[];
    businessDay?: string;
  };
  return {
    key,
    name,
    timeZone: timeZone ?? '',
    businessDay: businessDay ?? '',
    week: Object.fromEntries(DAYS.map((d) => [d, formatDayHours(week?.[d])])) as Form['week'],
    closed: (closed ?? []).join('\n'),
    holidays: (holidays ?? []).map((h) => h.country).join(', '),
    rest,
  };
}

export function CalendarEditorPage() {
  const { key: routeKey = 'new' } = useParams();
  const isNew = routeKey === 'new';
  const { t } = useTranslation();
  const { locale, timeZone: readerZone } = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState<Form>(blank);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (isNew) return;
    call(api.GET('/api/v1/calendars/{key}', { params: { path: { key: routeKey } } }))
      .then((c) => setForm(formOf(c.key, c.name, c.spec)))
      .catch(setError);
  }, [isNew, routeKey]);

  const spec = useMemo(() => specOf(form), [form]);
  useEffect(() => {
    const timer = setTimeout(() => {
      call(api.POST('/api/v1/calendars/preview', { body: { spec, days: 7, add: 'PT4H' } }))
        .then((p) => {
          setPreview(p);
          setPreviewError(null);
        })
        .catch(setPreviewError);
    }, 300);
    return () => clearTimeout(timer);
  }, [spec]);

  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      const key = isNew ? form.key.trim() : routeKey;
      await call(
        api.PUT('/api/v1/calendars/{key}', { params: { path: { key } }, body: { name: form.name, spec } }),
      );
      setSaved(true);
      if (isNew) await navigate(`/admin/calendars/${key}`, { replace: true });
    } catch (e) {
      setError(e);
    }
  };
  const set = (patch: Partial<Form>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...patch }));
  };
  const days = preview === null ? [] : previewDays(preview.open, preview.from, preview.to, preview.timeZone);

  return (
    <Stack gap="sm">
      <Title order={1}>{isNew ? t('calendars.create') : form.name || routeKey}</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        <Paper withBorder p="sm">
          <Stack gap="xs">
            {isNew && (
              <TextInput
                label={t('calendars.key')}
                value={form.key}
                onChange={(e) => set({ key: e.currentTarget.value })}
                required
              />
            )}
            <TextInput
              label={t('calendars.name')}
              value={form.name}
              onChange={(e) => set({ name: e.currentTarget.value })}
              required
            />
            <Group grow>
              <TextInput
                label={t('calendars.timeZone')}
                value={form.timeZone}
                onChange={(e) => set({ timeZone: e.currentTarget.value })}
              />
              <TextInput
                label={t('calendars.businessDay')}
                value={form.businessDay}
                onChange={(e) => set({ businessDay: e.currentTarget.value })}
              />
            </Group>
            <Text size="sm" fw={600} mt="xs">
              {t('calendars.week')}
            </Text>
            {DAYS.map((d) => (
              <TextInput
                key={d}
                label={t(`days.${d}`)}
                description={d === 'mon' ? t('calendars.dayHours') : undefined}
                value={form.week[d]}
                onChange={(e) => set({ week: { ...form.week, [d]: e.currentTarget.value } })}
                dir="ltr"
              />
            ))}
            <TextInput
              label={t('calendars.holidays')}
              value={form.holidays}
              onChange={(e) => set({ holidays: e.currentTarget.value })}
            />
            <Textarea
              label={t('calendars.closed')}
              autosize
              minRows={2}
              value={form.closed}
              onChange={(e) => set({ closed: e.currentTarget.value })}
              dir="ltr"
            />
            <ErrorAlert error={error} />
            {saved && (
              <Alert color="green" variant="light" p="xs" role="status">
                {t('calendars.saved')}
              </Alert>
            )}
            <Group>
              <Button size="sm" onClick={() => void save()}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </Paper>
        <Paper withBorder p="sm" data-testid="week-preview">
          <Title order={2} mb={6}>
            {t('calendars.preview')}
          </Title>
          <ErrorAlert error={previewError} />
          {preview !== null && (
            <Stack gap={6}>
              <div className="week-grid">
                <span />
                <div className="week-hours" dir="ltr" aria-hidden="true">
                  <span>00</span>
                  <span>06</span>
                  <span>12</span>
                  <span>18</span>
                  <span>24</span>
                </div>
                {days.map((day) => (
                  <WeekRow key={day.date} date={day.date} segments={day.segments} locale={locale} />
                ))}
              </div>
              {preview.dueAt !== null && (
                <Text size="sm" data-testid="due-if-now">
                  {t('calendars.dueIfNow', { when: formatInstant(preview.dueAt, locale, readerZone) })}
                </Text>
              )}
            </Stack>
          )}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

function WeekRow({
  date,
  segments,
  locale,
}: {
  date: string;
  segments: { startMinute: number; endMinute: number }[];
  locale: string;
}) {
  const label = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
  const description =
    segments.length === 0
      ? '—'
      : segments.map((s) => `${hhmm(s.startMinute)}–${hhmm(s.endMinute)}`).join(', ');
  return (
    <>
      <Text size="xs">{label}</Text>
      <div
        className="week-track"
        dir="ltr"
        role="img"
        aria-label={`${label}: ${description}`}
        data-testid="preview-day"
      >
        {segments.map((s) => (
          <span
            key={s.startMinute}
            className="week-open"
            title={description}
            style={{
              insetInlineStart: `${(s.startMinute / 1440) * 100}%`,
              inlineSize: `${((s.endMinute - s.startMinute) / 1440) * 100}%`,
            }}
          />
        ))}
      </div>
    </>
  );
}
