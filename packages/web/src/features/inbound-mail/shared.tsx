import { Alert, Anchor, Badge } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { components } from '../../api/schema';
import { useSession } from '../../session.tsx';

export type InboundMail = components['schemas']['InboundMail'];
export type InboundMailDetail = components['schemas']['InboundMailDetail'];

const REASON_CODES = [
  'unknown-sender',
  'sender-mismatch',
  'channel-not-in-plan',
  'ambiguous-workspace',
  'staff-sender',
  'invalid-from',
] as const;

/** The translation key of a held reason: the server writes `code: details` (mail-inbound/inbound-mail-apply.ts). */
export function reasonKey(mail: { status: string; reason: string | null }): string {
  if (mail.status === 'failed') return 'inboundMail.reasons.failed';
  const code = (mail.reason ?? '').split(':')[0]?.trim() ?? '';
  return (REASON_CODES as readonly string[]).includes(code)
    ? `inboundMail.reasons.${code}`
    : 'inboundMail.reasons.other';
}

/** Dark outline colours that keep WCAG AA contrast on white (Mantine's filled orange and light variants do not). */
const STATUS_COLORS: Record<string, string> = {
  held: '#8a5300',
  failed: '#a51d24',
  processed: '#1e6b34',
  ignored: 'gray.7',
};

export function StatusBadge({ status }: { status: InboundMail['status'] }) {
  const { t } = useTranslation();
  return (
    <Badge
      size="sm"
      radius="sm"
      variant="outline"
      tt="none"
      miw="max-content"
      color={STATUS_COLORS[status] ?? 'accord.7'}
    >
      {t(`inboundMail.status.${status}`)}
    </Badge>
  );
}

/** Staff pages: a client following the URL gets a notice instead of refusals (the server refuses them anyway). */
export function StaffOnly({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { role } = useSession();
  if (role === 'admin' || role === 'agent') return children;
  return (
    <Alert color="gray" variant="light" title={t('inboundMail.staffOnly.title')} data-testid="staff-only">
      <Anchor component={Link} to="/" size="sm">
        {t('inboundMail.staffOnly.home')}
      </Anchor>
    </Alert>
  );
}
