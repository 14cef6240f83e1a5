import {
  Button,
  Group,
  Paper,
  Radio,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client.ts';
import type { paths } from '../api/schema';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { channelsFor, planOf, type PlanInfo } from '../lib/plan.ts';
import { useSession } from '../session.tsx';

type Priority =
  paths['/api/v1/priorities']['get']['responses'][200]['content']['application/json']['items'][number];
type CreateBody = NonNullable<paths['/api/v1/tickets']['post']['requestBody']>['content']['application/json'];
const CATEGORIES = ['hosting', 'application'] as const satisfies readonly CreateBody['category'][];

type Organization =
  paths['/api/v1/organizations']['get']['responses'][200]['content']['application/json']['items'][number];
type User = paths['/api/v1/users']['get']['responses'][200]['content']['application/json']['items'][number];

/** `YYYY-MM-DDTHH:mm` in the browser's zone, for a datetime-local field. */
function localInputValue(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * A client opens a ticket for their organization; staff file one for a client (a call, a direct line, a letter): they
 * pick the organization and the requester, any channel of that client's plan, and when the client reported it (the
 * clocks count from then; the server accepts up to 24 h back).
 */
export function NewTicketPage() {
  const { t } = useTranslation();
  const { language, role } = useSession();
  const staff = role === 'admin' || role === 'agent';
  const [orgs, setOrgs] = useState<Organization[]>([]);
  const [organizationId, setOrganizationId] = useState<string | null>(null);
  const [requesters, setRequesters] = useState<User[]>([]);
  const [requesterId, setRequesterId] = useState<string | null>(null);
  const [reportedAt, setReportedAt] = useState(() => localInputValue(Date.now()));
  const [policy, setPolicy] = useState<Record<string, unknown> | null>(null);
  const navigate = useNavigate();
  const [priorities, setPriorities] = useState<Priority[]>([]);
  const [plan, setPlan] = useState<PlanInfo | null>(null);
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<string>('');
  const [channel, setChannel] = useState('ticket');
  const [category, setCategory] = useState<CreateBody['category']>(CATEGORIES[0]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The agreement's own words: French, English, and Arabic where the policy has it (else English).
  const text = <T,>(value: { fr: T; en: T; ar?: T | undefined }): T =>
    language === 'fr' ? value.fr : language === 'ar' ? (value.ar ?? value.en) : value.en;

  useEffect(() => {
    Promise.all([
      call(api.GET('/api/v1/priorities')),
      call(api.GET('/api/v1/organizations')),
      call(api.GET('/api/v1/policy')),
    ])
      .then(([p, orgs, policy]) => {
        setPriorities(p.items);
        setOrgs(orgs.items);
        setPolicy(policy.policy);
        const planId = orgs.items[0]?.contract?.plan;
        if (!staff) setPlan(planId === undefined ? null : planOf(policy.policy, planId));
        // The least urgent priority by default: P1 is a choice the client makes on purpose.
        setPriority(p.items.at(-1)?.id ?? '');
      })
      .catch(setError);
  }, [staff]);

  // Staff: the chosen organization's plan decides the channels; its members are the possible requesters.
  useEffect(() => {
    if (!staff || organizationId === null) return;
    const planId = orgs.find((o) => o.id === organizationId)?.contract?.plan;
    setPlan(planId === undefined || policy === null ? null : planOf(policy, planId));
    setRequesterId(null);
    void api
      .GET('/api/v1/users', { params: { query: { organizationId, role: 'client' } } })
      .then(({ data }) => {
        const people = (data?.items ?? []).filter((u) => !u.disabled);
        setRequesters(people);
        if (people.length === 1) setRequesterId(people[0]!.id);
      });
  }, [staff, organizationId, orgs, policy]);

  const channels = useMemo(() => channelsFor(plan, priority), [plan, priority]);
  useEffect(() => {
    if (!channels.includes(channel))
      setChannel(channels.includes('ticket') ? 'ticket' : (channels[0] ?? 'ticket'));
  }, [channels, channel]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const ticket = await call(
        api.POST('/api/v1/tickets', {
          body: {
            subject,
            description,
            priority: priority as CreateBody['priority'],
            channel: channel as CreateBody['channel'],
            category,
            ...(staff
              ? {
                  ...(organizationId === null ? {} : { organizationId }),
                  ...(requesterId === null ? {} : { requesterId }),
                  ...(reportedAt === '' ? {} : { reportedAt: new Date(reportedAt).toISOString() }),
                }
              : {}),
          },
        }),
      );
      await navigate(`/tickets/${ticket.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const planName = plan === null ? '' : ((language === 'fr' ? plan.name.fr : plan.name.en) ?? plan.id);
  return (
    <Stack gap="sm" maw={820}>
      <Title order={1}>{staff ? t('newTicket.staffTitle') : t('newTicket.title')}</Title>
      {plan !== null && (
        <Text size="sm" c="dimmed">
          {staff ? `${t('ticket.plan')}: ${planName}` : t('newTicket.plan', { plan: planName })}
        </Text>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="sm">
          {staff && (
            <Paper withBorder p="sm">
              <Stack gap="xs">
                <Text size="sm" c="dimmed">
                  {t('newTicket.staffIntro')}
                </Text>
                <Group grow align="flex-start" wrap="wrap">
                  <Select
                    label={t('newTicket.organization')}
                    required
                    allowDeselect={false}
                    searchable
                    value={organizationId}
                    onChange={setOrganizationId}
                    data={orgs
                      .filter((o) => o.contract !== null)
                      .map((o) => ({ value: o.id, label: o.name }))}
                  />
                  <Select
                    label={t('newTicket.requester')}
                    required
                    allowDeselect={false}
                    searchable
                    disabled={organizationId === null}
                    value={requesterId}
                    onChange={setRequesterId}
                    nothingFoundMessage={t('newTicket.noRequesters')}
                    data={requesters.map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))}
                  />
                  <TextInput
                    type="datetime-local"
                    label={t('newTicket.reportedAt')}
                    description={t('newTicket.reportedAtHint')}
                    value={reportedAt}
                    onChange={(e) => setReportedAt(e.currentTarget.value)}
                  />
                </Group>
              </Stack>
            </Paper>
          )}
          <TextInput
            label={t('newTicket.subject')}
            required
            maxLength={200}
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
          />
          <Textarea
            label={t('newTicket.description')}
            description={t('newTicket.descriptionHint')}
            autosize
            minRows={4}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <Radio.Group
            label={t('newTicket.priority')}
            description={t('newTicket.priorityHint')}
            value={priority}
            onChange={setPriority}
            required
          >
            <Stack gap={6} mt={6}>
              {priorities.map((p) => (
                <Paper key={p.id} withBorder p="xs" bg={priority === p.id ? 'accord.0' : undefined}>
                  <Radio
                    value={p.id}
                    label={
                      <Text size="sm" fw={600}>
                        {p.id} — {text(p.label)}
                      </Text>
                    }
                    description={
                      <>
                        <Text size="xs" c="dark.4" component="span" display="block">
                          {text(p.description)}
                        </Text>
                        {text(p.examples).length > 0 && (
                          <Text size="xs" c="dark.3" component="span" display="block">
                            {t('newTicket.examples')}: {text(p.examples).join(' · ')}
                          </Text>
                        )}
                      </>
                    }
                  />
                </Paper>
              ))}
            </Stack>
          </Radio.Group>
          <Group grow align="flex-start">
            <div>
              <Text size="sm" fw={500} mb={4} id="channel-label">
                {t('newTicket.channel')}
              </Text>
              <SegmentedControl
                aria-labelledby="channel-label"
                size="xs"
                value={channel}
                onChange={setChannel}
                data={channels.map((c) => ({ value: c, label: t(`channel.${c}`, { defaultValue: c }) }))}
              />
            </div>
            <Select
              label={t('newTicket.category')}
              value={category}
              allowDeselect={false}
              data={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
              onChange={(c) => c !== null && setCategory(c as CreateBody['category'])}
            />
          </Group>
          <ErrorAlert error={error} />
          <Group>
            <Button
              type="submit"
              size="sm"
              loading={busy}
              disabled={staff && (organizationId === null || requesterId === null)}
            >
              {t('newTicket.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
