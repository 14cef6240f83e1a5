import { Button, Group, MultiSelect, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSession } from '../../session.tsx';
import { DraftCalendars, DraftTargets } from './DraftEditor.tsx';
import { editedSpec, type CalendarEdit, type PolicyShape } from './policy-model.ts';
import { SimulationResult, type Simulation } from './SimulationResult.tsx';
import { localDate, startOfLocalDateMs } from './zoned-date.ts';

interface DraftCalendar {
  key: string;
  source: 'workspace' | 'policy' | 'preset';
  spec: Record<string, unknown>;
}

/**
 * "Try this change": a draft of the policy in force (targets and calendars), simulated over a period beside the
 * clocks of today, then adopted as a new version with its review note (`PUT /policy` with `review`).
 */
export function WhatIfPanel({
  policy,
  draftVersion,
  onAdopted,
}: {
  policy: PolicyShape;
  draftVersion: number;
  onAdopted(version: string): void;
}) {
  const { t } = useTranslation();
  const { timeZone } = useSession();
  const [durations, setDurations] = useState<Record<number, string>>({});
  const [calendarEdits, setCalendarEdits] = useState<Record<string, CalendarEdit>>({});
  const [calendars, setCalendars] = useState<DraftCalendar[]>([]);
  const today = localDate(Date.now(), timeZone);
  const [from, setFrom] = useState(() => localDate(Date.now(), timeZone, -182));
  const [to, setTo] = useState(() => localDate(Date.now(), timeZone, 1));
  const [plans, setPlans] = useState<string[]>([]);
  const [priorities, setPriorities] = useState<string[]>([]);
  const [result, setResult] = useState<{ simulation: Simulation; signature: string } | null>(null);
  const [running, setRunning] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    call(api.GET('/api/v1/policy/calendars'))
      .then((d) => setCalendars(d.items))
      .catch(setError);
  }, []);

  const draft = useMemo(() => {
    const { reviewDate: _reviewDate, ...rest } = policy;
    return {
      ...rest,
      version: draftVersion,
      effectiveFrom: today,
      targets: policy.targets.map((rule, i) => {
        const value = durations[i];
        return value === undefined ? rule : { ...rule, duration: value === '' ? null : value };
      }),
    };
  }, [policy, draftVersion, today, durations]);
  const draftCalendars = useMemo(() => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [key, edit] of Object.entries(calendarEdits)) {
      const base = calendars.find((c) => c.key === key);
      if (base !== undefined && (edit.closed.length > 0 || edit.hours.length > 0))
        out[key] = editedSpec(base.spec, edit);
    }
    return out;
  }, [calendarEdits, calendars]);
  const period = { from, to, plans, priorities };
  const signature = JSON.stringify({ draft, draftCalendars, period });
  const current = result !== null && result.signature === signature;

  const run = async () => {
    setError(null);
    setRunning(true);
    try {
      const simulation = await call(
        api.POST('/api/v1/policy/simulate', {
          body: {
            policy: draft,
            from: new Date(startOfLocalDateMs(from, timeZone)).toISOString(),
            to: new Date(startOfLocalDateMs(to, timeZone)).toISOString(),
            ...(Object.keys(draftCalendars).length > 0 ? { calendars: draftCalendars } : {}),
            ...(plans.length > 0 ? { plans } : {}),
            ...(priorities.length > 0 ? { priorities: priorities as ('P1' | 'P2' | 'P3')[] } : {}),
          },
        }),
      );
      setResult({ simulation, signature });
      if (note === '') setNote(t('whatif.adopt.defaultNote', { from, to }));
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
    }
  };

  const adopt = async () => {
    setError(null);
    try {
      const view = await call(
        api.PUT('/api/v1/policy', { body: { policy: draft, review: { note: note.trim() } } }),
      );
      // Calendars are the workspace's, shared by every version: saved once the version is adopted.
      for (const [key, spec] of Object.entries(draftCalendars))
        await call(
          api.PUT('/api/v1/calendars/{key}', {
            params: { path: { key } },
            body: { name: typeof spec['name'] === 'string' ? spec['name'] : key, spec },
          }),
        );
      setDurations({});
      setCalendarEdits({});
      setResult(null);
      setNote('');
      onAdopted(view.version);
    } catch (e) {
      setError(e);
    }
  };

  const reset = () => {
    setDurations({});
    setCalendarEdits({});
    setResult(null);
    setError(null);
  };

  return (
    <Paper withBorder p="sm" data-testid="what-if">
      <Stack gap="sm">
        <div>
          <Title order={2}>{t('whatif.draft.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('whatif.draft.intro')}
          </Text>
        </div>
        <Title order={3} size="h5">
          {t('whatif.draft.targets')}
        </Title>
        <DraftTargets
          policy={policy}
          durations={durations}
          onChange={(index, value) => setDurations((d) => ({ ...d, [index]: value }))}
        />
        <DraftCalendars
          keys={calendars.map((c) => c.key)}
          edits={calendarEdits}
          onChange={(key, edit) => setCalendarEdits((e) => ({ ...e, [key]: edit }))}
        />
        <Paper withBorder p="sm">
          <Title order={3} size="h5" mb={6}>
            {t('whatif.period.title')}
          </Title>
          <Group align="end" gap="xs">
            <TextInput
              size="xs"
              type="date"
              label={t('whatif.period.from')}
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
            />
            <TextInput
              size="xs"
              type="date"
              label={t('whatif.period.to')}
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
            />
            <MultiSelect
              size="xs"
              miw={180}
              label={t('whatif.period.plans')}
              placeholder={t('whatif.period.all')}
              data={policy.plans.map((p) => p.id)}
              value={plans}
              onChange={setPlans}
              clearable
            />
            <MultiSelect
              size="xs"
              miw={160}
              label={t('whatif.period.priorities')}
              placeholder={t('whatif.period.all')}
              data={policy.priorities.map((p) => p.id)}
              value={priorities}
              onChange={setPriorities}
              clearable
            />
            <Button size="xs" loading={running} onClick={() => void run()}>
              {t('whatif.period.run')}
            </Button>
            <Button size="xs" variant="subtle" color="gray" onClick={reset}>
              {t('whatif.draft.reset')}
            </Button>
          </Group>
        </Paper>
        <ErrorAlert error={error} />
        {result !== null && <SimulationResult result={result.simulation} />}
        {result !== null && (
          <Paper withBorder p="sm">
            <Stack gap="xs">
              <Title order={3} size="h5">
                {t('whatif.adopt.title')}
              </Title>
              <Textarea
                label={t('whatif.adopt.note')}
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
                autosize
                minRows={2}
              />
              {!current && (
                <Text size="sm" c="orange.8">
                  {t('whatif.adopt.needsRun')}
                </Text>
              )}
              <Group>
                <Button disabled={!current || note.trim() === ''} onClick={() => void adopt()}>
                  {t('whatif.adopt.button', { version: draftVersion })}
                </Button>
              </Group>
            </Stack>
          </Paper>
        )}
      </Stack>
    </Paper>
  );
}
