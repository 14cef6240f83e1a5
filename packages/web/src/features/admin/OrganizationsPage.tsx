import {
  Alert,
  Anchor,
  Button,
  Checkbox,
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
import { Link } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { AdminOnly } from './AdminOnly.tsx';
import { StateBadge } from './StateBadge.tsx';
import { contractBody, ContractFields, EMPTY_CONTRACT, type ContractDraft } from './ContractFields.tsx';
import { planName, useCalendars, usePlans, type Organization } from './workspace-data.ts';

export function OrganizationsPage() {
  return (
    <AdminOnly>
      <Organizations />
    </AdminOnly>
  );
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

function Organizations() {
  const { t } = useTranslation();
  const { locale, timeZone, language } = useSession();
  const plans = usePlans(language);
  const [items, setItems] = useState<Organization[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const load = useCallback(() => {
    call(api.GET('/api/v1/organizations'))
      .then((d) => setItems([...d.items].sort((a, b) => a.name.localeCompare(b.name, locale))))
      .catch(setError);
  }, [locale]);
  useEffect(load, [load]);

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1}>{t('admin.orgs.title')}</Title>
        {!creating && <Button onClick={() => setCreating(true)}>{t('admin.orgs.create')}</Button>}
      </Group>
      <Text size="sm" c="dimmed">
        {t('admin.orgs.intro')}
      </Text>
      {created !== null && (
        <Alert color="green" variant="light" role="status" withCloseButton onClose={() => setCreated(null)}>
          {t('admin.orgs.createdOk', { name: created })}
        </Alert>
      )}
      {creating && (
        <CreateOrganization
          onCancel={() => setCreating(false)}
          onCreated={(org) => {
            setCreating(false);
            setCreated(org.name);
            load();
          }}
        />
      )}
      <ErrorAlert error={error} />
      <Paper withBorder p="sm" style={{ overflowX: 'auto' }}>
        <Table data-testid="organizations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.orgs.name')}</Table.Th>
              <Table.Th>{t('admin.orgs.plan')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.orgs.maintenance')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.orgs.contacts')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.orgs.created')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(items ?? []).map((o) => (
              <Table.Tr key={o.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/admin/organizations/${o.id}`} size="sm">
                    {o.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {o.contract === null ? (
                    <StateBadge tone="neutral">{t('admin.orgs.noContract')}</StateBadge>
                  ) : (
                    <>
                      {planName(plans, o.contract.plan)}
                      {o.contract.extendedCalendar !== null && (
                        <Text size="xs" c="dimmed" ff="monospace">
                          {o.contract.extendedCalendar}
                        </Text>
                      )}
                    </>
                  )}
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  {o.contract === null
                    ? t('common.none')
                    : o.contract.maintenanceContract
                      ? t('admin.contract.yes')
                      : t('admin.contract.no')}
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  {o.contacts.map((c) => c.name).join(', ') || t('common.none')}
                </Table.Td>
                <Table.Td visibleFrom="sm">{formatShortInstant(o.createdAt, locale, timeZone)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {items === null && error === null && <Text c="dimmed">{t('common.loading')}</Text>}
        {items?.length === 0 && <Text c="dimmed">{t('admin.orgs.empty')}</Text>}
      </Paper>
    </Stack>
  );
}

function CreateOrganization({
  onCancel,
  onCreated,
}: {
  onCancel: () => void;
  onCreated: (org: Organization) => void;
}) {
  const { t } = useTranslation();
  const { language } = useSession();
  const plans = usePlans(language);
  const calendars = useCalendars();
  const [name, setName] = useState('');
  const [sites, setSites] = useState('');
  const [contact, setContact] = useState({ name: '', email: '', phone: '' });
  const [withContract, setWithContract] = useState(true);
  const [contract, setContract] = useState<ContractDraft>(EMPTY_CONTRACT);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const contacts =
        contact.name.trim() === '' && contact.email.trim() === ''
          ? []
          : [
              {
                name: contact.name.trim(),
                email: contact.email.trim(),
                ...(contact.phone.trim() === '' ? {} : { phone: contact.phone.trim() }),
              },
            ];
      const org = await call(
        api.POST('/api/v1/organizations', {
          body: {
            name: name.trim(),
            contacts,
            sites: lines(sites),
            ...(withContract ? { contract: contractBody(contract) } : {}),
          },
        }),
      );
      onCreated(org);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="sm" component="form" onSubmit={(e: FormEvent) => void submit(e)}>
      <Title order={2} mb="xs">
        {t('admin.orgs.create')}
      </Title>
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing="xs">
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
          <TextInput
            label={t('admin.org.contactName')}
            value={contact.name}
            onChange={(e) => setContact({ ...contact, name: e.currentTarget.value })}
          />
          <TextInput
            label={t('admin.org.contactEmail')}
            type="email"
            value={contact.email}
            onChange={(e) => setContact({ ...contact, email: e.currentTarget.value })}
          />
          <TextInput
            label={t('admin.org.contactPhone')}
            type="tel"
            value={contact.phone}
            onChange={(e) => setContact({ ...contact, phone: e.currentTarget.value })}
          />
        </SimpleGrid>
        <Checkbox
          label={t('admin.orgs.withContract')}
          checked={withContract}
          onChange={(e) => setWithContract(e.currentTarget.checked)}
        />
        {withContract && (
          <ContractFields
            value={contract}
            onChange={setContract}
            plans={plans}
            calendars={calendars}
            error={error}
          />
        )}
        <ErrorAlert error={error} />
        <Group gap="xs">
          <Button type="submit" loading={busy}>
            {t('common.save')}
          </Button>
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
