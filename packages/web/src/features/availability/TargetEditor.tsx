import { Button, Group, NumberInput, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

/** Admin: the monthly availability the organization's contract promises, in percent (empty: the policy's). */
export function TargetEditor({ organizationId, onSaved }: { organizationId: string; onSaved: () => void }) {
  const { t } = useTranslation();
  const [percent, setPercent] = useState<number | ''>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const save = () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    call(
      api.PUT('/api/v1/organizations/{id}/availability-target', {
        params: { path: { id: organizationId } },
        body: { target: percent === '' ? null : Math.round(Number(percent) * 1000) / 100_000 },
      }),
    )
      .then(() => {
        setSaved(true);
        onSaved();
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <Group align="flex-end" gap="xs">
      <NumberInput
        label={t('availability.report.contractTarget')}
        description={t('availability.report.contractTargetHelp')}
        min={50}
        max={100}
        step={0.1}
        decimalScale={3}
        suffix=" %"
        value={percent}
        onChange={(v) => setPercent(v === '' ? '' : Number(v))}
        w={220}
      />
      <Button variant="light" onClick={save} loading={busy}>
        {t('common.save')}
      </Button>
      {saved && (
        <Text size="sm" c="#1e6b34" role="status">
          {t('common.saved')}
        </Text>
      )}
      <ErrorAlert error={error} />
    </Group>
  );
}
