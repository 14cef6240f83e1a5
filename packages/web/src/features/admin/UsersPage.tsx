import {
  Alert,
  Box,
  Button,
  Group,
  Paper,
  PasswordInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSession, type Role } from '../../session.tsx';
import { AdminOnly } from './AdminOnly.tsx';
import { StateBadge } from './StateBadge.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import type { Organization, User } from './workspace-data.ts';

const ROLES: readonly Role[] = ['admin', 'agent', 'client', 'consultant'];
const belongsToOrganization = (role: Role | null) => role === 'client' || role === 'consultant';

export function UsersPage() {
  return (
    <AdminOnly>
      <Users />
    </AdminOnly>
  );
}

function Users() {
  const { t } = useTranslation();
  const { me, locale } = useSession();
  const [items, setItems] = useState<User[] | null>(null);
  const [orgs, setOrgs] = useState<Organization[]>([]);
  const [filter, setFilter] = useState<'all' | Role>('all');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const load = useCallback(() => {
    call(api.GET('/api/v1/users'))
      .then((d) => setItems(d.items))
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    void call(api.GET('/api/v1/organizations'))
      .then((d) => setOrgs([...d.items].sort((a, b) => a.name.localeCompare(b.name, locale))))
      .catch(setError);
  }, [locale]);
  const orgOptions = useMemo(() => orgs.map((o) => ({ value: o.id, label: o.name })), [orgs]);
  const roleData = ROLES.map((r) => ({ value: r, label: t(`admin.users.roles.${r}`) }));
  const shown = (items ?? []).filter((u) => filter === 'all' || u.role === filter);

  const update = async (
    user: User,
    body: { role?: Role; disabled?: boolean; organizationId?: string | null },
  ) => {
    setError(null);
    setNotice(null);
    try {
      const next = await call(api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body }));
      setItems((list) => (list ?? []).map((u) => (u.id === next.id ? next : u)));
      setNotice(t('admin.users.updatedOk'));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1}>{t('admin.users.title')}</Title>
        {!creating && <Button onClick={() => setCreating(true)}>{t('admin.users.create')}</Button>}
      </Group>
      <Text size="sm" c="dimmed">
        {t('admin.users.intro')}
      </Text>
      {creating && (
        <CreateUser
          orgs={orgs}
          roleData={roleData}
          onCancel={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            setNotice(t('admin.users.createdOk', { email: user.email }));
            load();
          }}
        />
      )}
      {notice !== null && (
        <Alert
          color="green"
          variant="light"
          role="status"
          withCloseButton
          onClose={() => setNotice(null)}
          p="xs"
        >
          {notice}
        </Alert>
      )}
      <ErrorAlert error={error} />
      <Paper withBorder p="sm" style={{ overflowX: 'auto' }}>
        <SegmentedControl
          size="xs"
          mb="xs"
          aria-label={t('admin.users.filter')}
          value={filter}
          onChange={(v) => setFilter(v as 'all' | Role)}
          data={[{ value: 'all', label: t('admin.users.all') }, ...roleData]}
        />
        <Table data-testid="users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.users.name')}</Table.Th>
              <Table.Th>{t('admin.users.role')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.users.organization')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.users.status')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>
                  <Text size="sm">
                    {u.name}
                    {u.id === me?.id && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        ({t('admin.users.you')})
                      </Text>
                    )}
                  </Text>
                  <Text size="xs" c="dimmed" dir="ltr" ta="start">
                    {u.email}
                  </Text>
                  <Box hiddenFrom="sm" mt={2}>
                    <UserState user={u} />
                  </Box>
                </Table.Td>
                <Table.Td miw={130}>
                  <Select
                    aria-label={t('admin.users.roleOf', { name: u.name })}
                    data={roleData}
                    value={u.role}
                    allowDeselect={false}
                    disabled={u.id === me?.id}
                    onChange={(role) =>
                      role !== null && role !== u.role && void update(u, { role: role as Role })
                    }
                  />
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  {belongsToOrganization(u.role) ? (
                    <Select
                      aria-label={t('admin.users.organizationOf', { name: u.name })}
                      data={orgOptions}
                      value={u.organizationId}
                      searchable
                      clearable={u.role === 'consultant'}
                      allowDeselect={u.role === 'consultant'}
                      onChange={(organizationId) =>
                        organizationId !== u.organizationId && void update(u, { organizationId })
                      }
                    />
                  ) : (
                    t('common.none')
                  )}
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  <UserState user={u} />
                </Table.Td>
                <Table.Td ta="end">
                  {u.id === me?.id ? null : u.disabled ? (
                    <Button
                      variant="subtle"
                      aria-label={t('admin.users.enableOf', { name: u.name })}
                      onClick={() => void update(u, { disabled: false })}
                    >
                      {t('admin.users.enable')}
                    </Button>
                  ) : (
                    <ConfirmButton
                      label={t('admin.users.disable')}
                      ariaLabel={t('admin.users.disableOf', { name: u.name })}
                      question={t('admin.users.confirmDisable', { name: u.name })}
                      onConfirm={() => update(u, { disabled: true })}
                    />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {items === null && error === null && <Text c="dimmed">{t('common.loading')}</Text>}
        {items !== null && shown.length === 0 && <Text c="dimmed">{t('admin.users.empty')}</Text>}
      </Paper>
    </Stack>
  );
}

function CreateUser({
  orgs,
  roleData,
  onCancel,
  onCreated,
}: {
  orgs: Organization[];
  roleData: { value: string; label: string }[];
  onCancel: () => void;
  onCreated: (user: User) => void;
}) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role | null>('client');
  const [organizationId, setOrganizationId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (role === null) return;
    setError(null);
    setBusy(true);
    try {
      const user = await call(
        api.POST('/api/v1/users', {
          body: {
            email: email.trim(),
            name: name.trim(),
            password,
            role,
            organizationId: belongsToOrganization(role) ? organizationId : null,
          },
        }),
      );
      onCreated(user);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="sm" component="form" onSubmit={(e: FormEvent) => void submit(e)}>
      <Title order={2} mb="xs">
        {t('admin.users.create')}
      </Title>
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing="xs">
          <TextInput
            label={t('admin.users.email')}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            required
            dir="ltr"
          />
          <TextInput
            label={t('admin.users.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
          />
          <PasswordInput
            label={t('admin.users.password')}
            description={t('admin.users.passwordHint')}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            required
            autoComplete="new-password"
          />
          <Select
            label={t('admin.users.role')}
            data={roleData}
            value={role}
            onChange={(r) => setRole(r as Role | null)}
            allowDeselect={false}
            required
          />
          {belongsToOrganization(role) && (
            <Select
              label={t('admin.users.organization')}
              description={t('admin.users.organizationHint')}
              data={orgs.map((o) => ({ value: o.id, label: o.name }))}
              value={organizationId}
              onChange={setOrganizationId}
              searchable
              clearable
              required={role === 'client'}
            />
          )}
        </SimpleGrid>
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

function UserState({ user }: { user: User }) {
  const { t } = useTranslation();
  if (user.disabled) return <StateBadge tone="bad">{t('admin.users.disabled')}</StateBadge>;
  if (user.invited) return <StateBadge tone="waiting">{t('admin.users.invited')}</StateBadge>;
  return <StateBadge tone="good">{t('admin.users.active')}</StateBadge>;
}
