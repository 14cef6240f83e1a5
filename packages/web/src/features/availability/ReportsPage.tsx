import { Group, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session.tsx';
import { useOrganizations } from './MonitorsPage.tsx';
import { ReportView } from './ReportView.tsx';
import { TargetEditor } from './TargetEditor.tsx';
import { formatMonth, recentMonths } from './shared.tsx';

/** Staff: the monthly SLA report of any organization. */
export function ReportsPage() {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const orgs = useOrganizations();
  const months = recentMonths(Date.now(), timeZone);
  const [organizationId, setOrganizationId] = useState<string | null>(null);
  const [month, setMonth] = useState(months[0]!);
  const chosen = organizationId ?? orgs[0]?.value ?? null;
  const { role } = useSession();
  const [version, setVersion] = useState(0);
  return (
    <Stack gap="sm">
      <Title order={1}>{t('availability.report.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('availability.report.intro')}
      </Text>
      <Group>
        <Select
          label={t('availability.form.organization')}
          data={orgs}
          value={chosen}
          onChange={setOrganizationId}
          allowDeselect={false}
          searchable
        />
        <MonthSelect months={months} month={month} setMonth={setMonth} locale={locale} />
      </Group>
      {chosen !== null && role === 'admin' && (
        <TargetEditor key={chosen} organizationId={chosen} onSaved={() => setVersion((v) => v + 1)} />
      )}
      {chosen !== null && <ReportView key={`${chosen}-${version}`} organizationId={chosen} month={month} />}
    </Stack>
  );
}

export function MonthSelect({
  months,
  month,
  setMonth,
  locale,
}: {
  months: string[];
  month: string;
  setMonth: (m: string) => void;
  locale: string;
}) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('availability.report.month')}
      data={months.map((m) => ({ value: m, label: formatMonth(m, locale) }))}
      value={month}
      onChange={(v) => v !== null && setMonth(v)}
      allowDeselect={false}
    />
  );
}
