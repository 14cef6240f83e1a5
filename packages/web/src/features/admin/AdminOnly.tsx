import { Alert, Anchor } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../../session.tsx';

/**
 * The admin pages render for admins only: anyone else who follows an admin URL gets a notice and no page (the
 * server refuses their requests anyway; this keeps them from seeing an empty admin screen full of refusals).
 */
export function AdminOnly({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { role } = useSession();
  if (role === 'admin') return children;
  return (
    <Alert color="gray" variant="light" title={t('admin.adminOnly.title')} data-testid="admin-only">
      {t('admin.adminOnly.body')}{' '}
      <Anchor component={Link} to="/" size="sm">
        {t('admin.adminOnly.home')}
      </Anchor>
    </Alert>
  );
}
