import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const PRIORITY_COLORS: Record<string, string> = { P1: 'red.9', P2: '#a63d00', P3: 'accord.7', P4: 'gray.7' };
const STATUS_COLORS: Record<string, string> = {
  new: 'accord.7',
  open: '#0b6650',
  'pending-customer': '#8a5300',
  resolved: '#1e6b34',
  closed: 'gray.7',
};

export function PriorityBadge({ priority }: { priority: string }) {
  return (
    <Badge size="sm" radius="sm" color={PRIORITY_COLORS[priority] ?? 'gray.7'} variant="filled">
      {priority}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge size="sm" radius="sm" color={STATUS_COLORS[status] ?? 'gray.7'} variant="outline" tt="none">
      {t(`status.${status}`, { defaultValue: status })}
    </Badge>
  );
}
