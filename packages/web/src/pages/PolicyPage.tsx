import { Alert, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client.ts';
import type { components } from '../api/schema';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { EscalationsTable, TargetsMatrix } from '../features/policy/PolicyOverview.tsx';
import { nextVersion, policyShape } from '../features/policy/policy-model.ts';
import { VersionsPanel } from '../features/policy/VersionsPanel.tsx';
import { WhatIfPanel } from '../features/policy/WhatIfPanel.tsx';
import { useSession } from '../session.tsx';

type Version = components['schemas']['PolicyVersion'];

/**
 * The workspace's SLA policy: targets per plan × priority × metric, escalation rules, the review date (with a banner
 * once overdue), versions and reviews, recording a review, and for admins the what-if ("try this change").
 */
export function PolicyPage() {
  const { t } = useTranslation();
  const { role, locale } = useSession();
  const [view, setView] = useState<components['schemas']['PolicyView'] | null>(null);
  const [versions, setVersions] = useState<Version[]>([]);
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [note, setNote] = useState('');
  const [reviewed, setReviewed] = useState(false);
  const [adopted, setAdopted] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const staff = role === 'admin' || role === 'agent';
  const load = useCallback(() => {
    call(api.GET('/api/v1/policy')).then(setView).catch(setError);
    if (staff)
      call(api.GET('/api/v1/policy/versions'))
        .then((d) => setVersions(d.items))
        .catch(setError);
  }, [staff]);
  useEffect(load, [load]);
  useEffect(() => {
    if (role !== 'admin') return;
    // Names of who adopted and reviewed; without them the list shows user ids.
    call(api.GET('/api/v1/users'))
      .then((d) => setNames(new Map(d.items.map((u) => [u.id, u.name]))))
      .catch(() => undefined);
  }, [role]);
  const policy = useMemo(() => (view === null ? null : policyShape(view.policy)), [view]);

  const review = async () => {
    setError(null);
    try {
      await call(api.POST('/api/v1/policy/review', { body: { note } }));
      setNote('');
      setReviewed(true);
      load();
    } catch (e) {
      setError(e);
    }
  };
  if (view === null || policy === null)
    return error === null ? <Text c="dimmed">{t('common.loading')}</Text> : <ErrorAlert error={error} />;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${view.review.reviewDate}T12:00:00Z`),
  );
  return (
    <Stack gap="sm">
      <div>
        <Title order={1}>{t('policy.title')}</Title>
        <Text size="sm" c="dimmed">
          {view.workspace.name} · {t('policy.version', { version: view.version })} ·{' '}
          <span data-testid="review-date">{t('policy.reviewDate', { date })}</span>
        </Text>
      </div>
      {view.review.overdue && (
        <Alert color="orange" variant="light" role="status" data-testid="review-overdue">
          {t('policy.overdue', { date })}
        </Alert>
      )}
      <ErrorAlert error={error} />
      {adopted !== null && (
        <Alert color="green" variant="light" p="xs" role="status" data-testid="adopted">
          {t('whatif.adopt.done', { version: adopted })}
        </Alert>
      )}
      <TargetsMatrix policy={policy} />
      <EscalationsTable policy={policy} />
      {staff && versions.length > 0 && (
        <VersionsPanel versions={versions} live={view.version} names={names} />
      )}
      {role === 'admin' && (
        <Paper withBorder p="sm">
          <Stack gap="xs">
            <Title order={2}>{t('policy.recordReview')}</Title>
            <Textarea
              label={t('policy.reviewNote')}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              autosize
              minRows={2}
            />
            {reviewed && (
              <Alert color="green" variant="light" p="xs" role="status">
                {t('policy.reviewed')}
              </Alert>
            )}
            <Group>
              <Button disabled={note.trim() === ''} onClick={() => void review()}>
                {t('policy.recordReview')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
      {role === 'admin' && (
        <WhatIfPanel
          key={view.version}
          policy={policy}
          draftVersion={nextVersion(
            policy.version,
            versions.map((v) => v.version),
          )}
          onAdopted={(version) => {
            setAdopted(version);
            load();
          }}
        />
      )}
    </Stack>
  );
}
