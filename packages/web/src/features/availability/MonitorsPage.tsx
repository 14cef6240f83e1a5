import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { bodyOf, formValuesOf, MonitorForm, type MonitorFormValues } from './MonitorForm.tsx';
import { StateBadge, type Monitor } from './shared.tsx';

/** The workspace's client organizations, for pickers and labels (staff only). */
export function useOrganizations(): { value: string; label: string }[] {
  const [orgs, setOrgs] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    call(api.GET('/api/v1/organizations'))
      .then((d) => setOrgs(d.items.map((o) => ({ value: o.id, label: o.name }))))
      .catch(() => setOrgs([]));
  }, []);
  return orgs;
}

/** Admin: every monitor of the workspace, its state, last check and certificate warning. */
export function MonitorsPage() {
  const { t } = useTranslation();
  const { locale, timeZone, role } = useSession();
  const orgs = useOrganizations();
  const [monitors, setMonitors] = useState<Monitor[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const load = () =>
      call(api.GET('/api/v1/monitors'))
        .then((d) => setMonitors(d.items))
        .catch(setError);
    void load();
    const timer = window.setInterval(() => void load(), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  const orgName = (id: string) => orgs.find((o) => o.value === id)?.label ?? '';
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1}>{t('availability.monitors.title')}</Title>
        {role === 'admin' && (
          <Button component={Link} to="/admin/monitors/new">
            {t('availability.monitors.create')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('availability.monitors.intro')}
      </Text>
      <ErrorAlert error={error} />
      <Paper withBorder p="sm">
        {monitors !== null && monitors.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('availability.monitors.none')}
          </Text>
        )}
        {monitors !== null && monitors.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table data-testid="monitors">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('availability.form.name')}</Table.Th>
                  <Table.Th>{t('availability.form.organization')}</Table.Th>
                  <Table.Th>{t('availability.form.kind')}</Table.Th>
                  <Table.Th>{t('availability.monitors.state')}</Table.Th>
                  <Table.Th>{t('availability.monitors.lastCheck')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {monitors.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      <Link to={`/monitors/${m.id}`}>{m.name}</Link>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {m.url ?? (m.host === null ? '' : `${m.host}:${m.port ?? ''}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td>{orgName(m.organizationId)}</Table.Td>
                    <Table.Td>
                      {t(`availability.kind.${m.kind}`)}
                      {m.public && (
                        <Badge ms={6} variant="outline" color="gray.7" size="xs" tt="none">
                          {t('availability.monitors.public')}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <StateBadge state={m.state} />
                        {m.tlsExpiringSoon && (
                          <Badge color="#8a5300" variant="outline" radius="sm" tt="none">
                            {t('availability.monitors.tlsSoon')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {m.lastCheckAt === null ? '—' : formatShortInstant(m.lastCheckAt, locale, timeZone)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </Stack>
  );
}

/** Admin: a new monitor; a heartbeat monitor's push URL is shown once, right after creation. */
export function NewMonitorPage() {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<{ id: string; pushUrl: string } | null>(null);
  const submit = (values: MonitorFormValues) => {
    setBusy(true);
    setError(null);
    call(
      api.POST('/api/v1/monitors', {
        body: {
          ...(bodyOf(values, false) as Omit<
            ReturnType<typeof bodyOf>,
            'expectedStatus' | 'keyword' | 'slowMs'
          > & {
            expectedStatus?: number;
            keyword?: string;
            slowMs?: number;
          }),
          organizationId: values.organizationId,
          kind: values.kind,
        },
      }),
    )
      .then((m) => {
        if (m.pushUrl !== null) setCreated({ id: m.id, pushUrl: m.pushUrl });
        else void navigate(`/monitors/${m.id}`);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap="sm">
      <Title order={1}>{t('availability.monitors.create')}</Title>
      <ErrorAlert error={error} />
      {created === null ? (
        <Paper withBorder p="sm">
          <MonitorForm
            initial={formValuesOf(null)}
            organizations={orgs}
            busy={busy}
            onSubmit={submit}
            submitLabel={t('availability.monitors.createSubmit')}
          />
        </Paper>
      ) : (
        <Alert color="gray" variant="light" title={t('availability.monitors.pushTitle')}>
          <Stack gap="xs">
            <Text size="sm">{t('availability.monitors.pushHelp')}</Text>
            <Group gap="xs" wrap="nowrap">
              <Code data-testid="push-url" style={{ wordBreak: 'break-all' }}>
                {created.pushUrl}
              </Code>
              <CopyButton value={created.pushUrl}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? t('availability.monitors.copied') : t('availability.monitors.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Group>
              <Button component={Link} to={`/monitors/${created.id}`} variant="light">
                {t('availability.monitors.openCreated')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
