import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { AdminOnly } from './AdminOnly.tsx';
import { StateBadge } from './StateBadge.tsx';
import { contractBody, ContractFields, EMPTY_CONTRACT, type ContractDraft } from './ContractFields.tsx';
import {
  formatRate,
  planName,
  useCalendars,
  usePlans,
  type Contract,
  type Organization,
  type User,
} from './workspace-data.ts';

type Contact = Organization['contacts'][number];

export function OrganizationPage() {
  return (
    <AdminOnly>
      <OrganizationDetail />
    </AdminOnly>
  );
}

function OrganizationDetail() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [org, setOrg] = useState<Organization | null>(null);
  const [contracts, setContracts] = useState<Contract[]>([]);
  const [members, setMembers] = useState<User[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    const path = { params: { path: { id } } };
    Promise.all([
      call(api.GET('/api/v1/organizations/{id}', path)),
      call(api.GET('/api/v1/organizations/{id}/contracts', path)),
      call(api.GET('/api/v1/users', { params: { query: { organizationId: id } } })),
    ])
      .then(([o, c, u]) => {
        setOrg(o);
        setContracts(c.items);
        setMembers(u.items);
      })
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);

  if (org === null)
    return error === null ? <Text c="dimmed">{t('common.loading')}</Text> : <ErrorAlert error={error} />;
  return (
    <Stack gap="sm">
      <div>
        <Anchor component={Link} to="/admin/organizations" size="sm">
          {t('admin.org.back')}
        </Anchor>
        <Title order={1}>{org.name}</Title>
      </div>
      <Details org={org} onSaved={setOrg} />
      <Contacts org={org} onSaved={setOrg} />
      <Contracts organizationId={org.id} contracts={contracts} onSaved={load} />
      <Paper withBorder p="sm">
        <Title order={2} mb={6}>
          {t('admin.org.members')}
        </Title>
        {members.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('admin.org.noMembers')}
          </Text>
        ) : (
          <Table>
            <Table.Tbody>
              {members.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>{m.name}</Table.Td>
                  <Table.Td dir="ltr">{m.email}</Table.Td>
                  <Table.Td>{t(`admin.users.roles.${m.role}`)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}

function Saved({ text }: { text: string | null }) {
  if (text === null) return null;
  return (
    <Alert color="green" variant="light" role="status" p="xs">
      {text}
    </Alert>
  );
}

type Patch = { name?: string; sites?: string[]; contacts?: Contact[] };
async function patchOrganization(id: string, body: Patch): Promise<Organization> {
  return call(api.PATCH('/api/v1/organizations/{id}', { params: { path: { id } }, body }));
}

function Details({ org, onSaved }: { org: Organization; onSaved: (o: Organization) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(org.name);
  const [sites, setSites] = useState(org.sites.join('\n'));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const sitesList = sites
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      onSaved(await patchOrganization(org.id, { name: name.trim(), sites: sitesList }));
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Paper withBorder p="sm" component="form" onSubmit={(e: FormEvent) => void submit(e)}>
      <Title order={2} mb={6}>
        {t('admin.org.details')}
      </Title>
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <TextInput
            label={t('admin.orgs.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            maxLength={200}
          />
          <Textarea
            label={t('admin.orgs.sites')}
            description={t('admin.orgs.sitesHint')}
            value={sites}
            onChange={(e) => setSites(e.currentTarget.value)}
            autosize
            minRows={1}
            dir="ltr"
          />
        </SimpleGrid>
        <ErrorAlert error={error} />
        <Saved text={saved ? t('admin.org.saved') : null} />
        <Group>
          <Button type="submit">{t('common.save')}</Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function Contacts({ org, onSaved }: { org: Organization; onSaved: (o: Organization) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState({ name: '', email: '', phone: '' });
  const [error, setError] = useState<unknown>(null);
  const save = async (contacts: Contact[]) => {
    setError(null);
    try {
      onSaved(await patchOrganization(org.id, { contacts }));
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const contact: Contact = {
      name: draft.name.trim(),
      email: draft.email.trim(),
      ...(draft.phone.trim() === '' ? {} : { phone: draft.phone.trim() }),
    };
    if (await save([...org.contacts, contact])) setDraft({ name: '', email: '', phone: '' });
  };
  return (
    <Paper withBorder p="sm">
      <Title order={2} mb={6}>
        {t('admin.org.contacts')}
      </Title>
      {org.contacts.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('admin.org.noContacts')}
        </Text>
      ) : (
        <Table data-testid="contacts">
          <Table.Tbody>
            {org.contacts.map((c, index) => (
              <Table.Tr key={`${c.email}-${index}`}>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td dir="ltr">{c.email}</Table.Td>
                <Table.Td dir="ltr">{c.phone ?? ''}</Table.Td>
                <Table.Td ta="end">
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('admin.org.removeContact', { name: c.name })}
                    onClick={() => void save(org.contacts.filter((_, i) => i !== index))}
                  >
                    ×
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <form onSubmit={(e) => void add(e)}>
        <Group align="flex-end" gap="xs" mt="xs">
          <TextInput
            label={t('admin.org.contactName')}
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
            required
          />
          <TextInput
            label={t('admin.org.contactEmail')}
            type="email"
            value={draft.email}
            onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })}
            required
          />
          <TextInput
            label={t('admin.org.contactPhone')}
            type="tel"
            value={draft.phone}
            onChange={(e) => setDraft({ ...draft, phone: e.currentTarget.value })}
          />
          <Button type="submit" variant="light">
            {t('admin.org.addContact')}
          </Button>
        </Group>
      </form>
      <ErrorAlert error={error} />
    </Paper>
  );
}

function Contracts({
  organizationId,
  contracts,
  onSaved,
}: {
  organizationId: string;
  contracts: Contract[];
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { locale, timeZone, language } = useSession();
  const plans = usePlans(language);
  const calendars = useCalendars();
  const [draft, setDraft] = useState<ContractDraft>(() => {
    const current = contracts[0];
    return current === undefined
      ? EMPTY_CONTRACT
      : {
          plan: current.plan,
          maintenanceContract: current.maintenanceContract,
          extendedCalendar: current.extendedCalendar,
          hourlyRate: current.hourlyRateCents / 100,
          currency: current.currency,
        };
  });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await call(
        api.POST('/api/v1/organizations/{id}/contracts', {
          params: { path: { id: organizationId } },
          body: contractBody(draft),
        }),
      );
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Paper withBorder p="sm">
      <Title order={2} mb={6}>
        {t('admin.org.contracts')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('admin.org.contractsIntro')}
      </Text>
      {contracts.length === 0 ? (
        <Text size="sm">{t('admin.org.noContracts')}</Text>
      ) : (
        <div style={{ overflowX: 'auto' }}>
          <Table data-testid="contracts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.contract.plan')}</Table.Th>
                <Table.Th visibleFrom="sm">{t('admin.orgs.maintenance')}</Table.Th>
                <Table.Th>{t('admin.contract.calendar')}</Table.Th>
                <Table.Th visibleFrom="sm">{t('admin.contract.rate')}</Table.Th>
                <Table.Th>{t('admin.org.since')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {contracts.map((c, index) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    {planName(plans, c.plan)}
                    <div>
                      {index === 0 ? (
                        <StateBadge tone="good">{t('admin.org.inForce')}</StateBadge>
                      ) : (
                        <StateBadge tone="neutral">{t('admin.org.superseded')}</StateBadge>
                      )}
                    </div>
                  </Table.Td>
                  <Table.Td visibleFrom="sm">
                    {c.maintenanceContract ? t('admin.contract.yes') : t('admin.contract.no')}
                  </Table.Td>
                  <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {c.extendedCalendar ?? t('common.none')}
                  </Table.Td>
                  <Table.Td visibleFrom="sm">{formatRate(c.hourlyRateCents, c.currency, locale)}</Table.Td>
                  <Table.Td>{formatShortInstant(c.createdAt, locale, timeZone)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <Title order={3} mt="sm" mb={6}>
          {t('admin.org.newContract')}
        </Title>
        <Stack gap="xs">
          <ContractFields
            value={draft}
            onChange={setDraft}
            plans={plans}
            calendars={calendars}
            error={error}
          />
          <ErrorAlert error={error} />
          <Saved text={saved ? t('admin.org.contractSaved') : null} />
          <Group>
            <Button type="submit">{t('admin.contract.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
