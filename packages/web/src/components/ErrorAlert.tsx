import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';

/** Says why the server refused, with its machine-readable code for support. */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" variant="light" title={t('common.error')} role="alert" p="xs">
      <Text size="sm">{message}</Text>
      {error instanceof ApiError && (
        <Text size="xs" c="dimmed" ff="monospace">
          {error.code}
        </Text>
      )}
    </Alert>
  );
}
