import {
  ActionIcon,
  AppShell,
  Burger,
  Group,
  Indicator,
  Menu,
  NavLink,
  Select,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { api } from '../api/client.ts';
import { features } from '../features/index.ts';
import type { components } from '../api/schema';
import { LANGUAGES, type Language } from '../lib/language.ts';
import { useLiveUpdates } from '../lib/live.ts';
import { useWorkspacePolicy } from '../lib/workspace-policy.ts';
import { useSession } from '../session.tsx';
import { notificationTarget } from '../features/notifications/notification-target.ts';

type Notification = components['schemas']['Notification'];
const LANGUAGE_NAMES: Record<Language, string> = { fr: 'Français', en: 'English', ar: 'العربية' };

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { me, role, workspace, language, setLanguage, signOut, chooseWorkspace } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  useEffect(close, [location.pathname, close]);
  const policy = useWorkspacePolicy(workspace);

  // Consultants are supported like clients (the consultation agreement), not staff: no queue, no dashboard.
  const staff = role === 'admin' || role === 'agent';
  const links = [
    ...(staff
      ? [
          { to: '/queue', label: t('nav.queue') },
          { to: '/tickets', label: t('nav.allTickets') },
          { to: '/dashboard', label: t('nav.dashboard') },
        ]
      : [
          { to: '/tickets', label: t('nav.tickets') },
          { to: '/tickets/new', label: t('nav.newTicket') },
        ]),
    ...(role === 'admin'
      ? [
          { to: '/admin/calendars', label: t('nav.calendars') },
          { to: '/admin/policy', label: t('nav.policy') },
        ]
      : []),
    ...features
      .filter((f) => f.offeredBy === undefined || (policy !== null && f.offeredBy(policy)))
      .flatMap((f) =>
        f.links
          .filter((link) => role !== null && link.roles.includes(role))
          .map((link) => ({ to: link.to, label: t(link.label) })),
      ),
  ];
  const active = (to: string) =>
    location.pathname === to || (to !== '/tickets' && location.pathname.startsWith(`${to}/`));

  return (
    <AppShell
      header={{ height: 48 }}
      navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header px="md" bg="accord.8" c="white">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              color="white"
              aria-label={t('nav.menu')}
            />
            <Text fw={700} size="md" component={Link} to="/" c="white" td="none">
              {t('app.name')}
            </Text>
            <Text size="xs" c="accord.1" visibleFrom="xs">
              {me?.current?.workspaceName ?? ''}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Notifications />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton c="white" fz="sm" aria-label={me?.email}>
                  {me?.name}
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me?.email}</Menu.Label>
                <Menu.Item onClick={() => void signOut()}>{t('nav.signOut')}</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('nav.menu')}>
        <Stack gap={2}>
          {links.map((link) => (
            <NavLink
              key={link.to}
              component={Link}
              to={link.to}
              label={link.label}
              active={active(link.to)}
            />
          ))}
        </Stack>
        <Stack gap="xs" mt="auto">
          {(me?.memberships.length ?? 0) > 1 && (
            <Select
              label={t('nav.workspace')}
              value={workspace}
              allowDeselect={false}
              data={(me?.memberships ?? []).map((m) => ({ value: m.workspace, label: m.workspaceName }))}
              onChange={(slug) => slug !== null && chooseWorkspace(slug)}
            />
          )}
          <Select
            label={t('nav.language')}
            value={language}
            allowDeselect={false}
            data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
            onChange={(l) => l !== null && setLanguage(l as Language)}
          />
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        {children}
        {features.map(({ name, overlay: Overlay }) => Overlay !== undefined && <Overlay key={name} />)}
      </AppShell.Main>
    </AppShell>
  );
}

function Notifications() {
  const { t } = useTranslation();
  const [items, setItems] = useState<Notification[]>([]);
  const load = useCallback(() => {
    void api.GET('/api/v1/notifications', { params: { query: { limit: 20 } } }).then(({ data }) => {
      if (data !== undefined) setItems(data.items);
    });
  }, []);
  useEffect(load, [load]);
  useLiveUpdates(load);
  const unread = items.filter((n) => n.readAt === null).length;
  return (
    <Menu position="bottom-end" width={320} withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="white" aria-label={`${t('nav.notifications')} ${unread}`}>
          <Indicator disabled={unread === 0} label={unread} size={16} color="red.9">
            <svg
              width="18"
              height="18"
              viewBox="0 0 24 24"
              aria-hidden="true"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
            >
              <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10 21h4" />
            </svg>
          </Indicator>
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('nav.notifications')}</Menu.Label>
        {items.length === 0 && <Menu.Item disabled>{t('nav.noNotifications')}</Menu.Item>}
        {items.slice(0, 10).map((n) => (
          <Menu.Item
            key={n.id}
            component={Link}
            to={notificationTarget(n)}
            fw={n.readAt === null ? 600 : 400}
            onClick={() =>
              void api.POST('/api/v1/notifications/{id}/read', { params: { path: { id: n.id } } }).then(load)
            }
          >
            <Text size="sm">{n.title}</Text>
            <Text size="xs" c="dimmed" lineClamp={2}>
              {n.body}
            </Text>
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item component={Link} to="/notifications">
          {t('notifications.list.seeAll')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
