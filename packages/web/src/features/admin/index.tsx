import { Loader } from '@mantine/core';
import { lazy, Suspense, type ComponentType } from 'react';
import type { Role } from '../../session.tsx';
import { defineFeature } from '../feature.ts';
import { ar } from './messages-ar.ts';
import { en } from './messages-en.ts';
import { fr } from './messages-fr.ts';

/**
 * The pages load on first visit: only admins open them, and a page module imports session.tsx, which imports the
 * i18n set-up, which reads this registry — imported eagerly, that cycle leaves `features` uninitialized at start.
 */
function page(load: () => Promise<{ default: ComponentType }>) {
  const Page = lazy(load);
  return (
    <Suspense fallback={<Loader size="sm" />}>
      <Page />
    </Suspense>
  );
}

const admins: readonly Role[] = ['admin'];

/** Administration: organizations and their contracts, users and roles, webhooks and their deliveries, API tokens. */
export const adminFeature = defineFeature({
  name: 'admin',
  routes: [
    {
      path: '/admin/organizations',
      element: page(() => import('./OrganizationsPage.tsx').then((m) => ({ default: m.OrganizationsPage }))),
    },
    {
      path: '/admin/organizations/:id',
      element: page(() => import('./OrganizationPage.tsx').then((m) => ({ default: m.OrganizationPage }))),
    },
    {
      path: '/admin/users',
      element: page(() => import('./UsersPage.tsx').then((m) => ({ default: m.UsersPage }))),
    },
    {
      path: '/admin/webhooks',
      element: page(() => import('./WebhooksPage.tsx').then((m) => ({ default: m.WebhooksPage }))),
    },
    {
      path: '/admin/webhooks/:id',
      element: page(() => import('./DeliveriesPage.tsx').then((m) => ({ default: m.DeliveriesPage }))),
    },
    {
      path: '/admin/tokens',
      element: page(() => import('./TokensPage.tsx').then((m) => ({ default: m.TokensPage }))),
    },
  ],
  links: [
    { to: '/admin/organizations', label: 'admin.nav.organizations', roles: admins },
    { to: '/admin/users', label: 'admin.nav.users', roles: admins },
    { to: '/admin/webhooks', label: 'admin.nav.webhooks', roles: admins },
    { to: '/admin/tokens', label: 'admin.nav.tokens', roles: admins },
  ],
  messages: { en, fr, ar },
});
