import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A secret the server shows in one response only (webhook signing secret, API token), with a copy button. */
export function SecretOnce({
  title,
  body,
  label,
  secret,
  dismiss,
  onDismiss,
}: {
  title: string;
  body: string;
  label: string;
  secret: string;
  dismiss: string;
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Alert color="accord" variant="outline" title={title} role="status" data-testid="secret-once">
      <Stack gap="xs">
        <Text size="sm">{body}</Text>
        <Code
          block
          aria-label={label}
          data-testid="secret-value"
          style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
          dir="ltr"
        >
          {secret}
        </Code>
        <Group gap="xs">
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button color={copied ? 'teal' : 'accord'} onClick={copy}>
                {copied ? t('admin.copy.copied') : t('admin.copy.copy')}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onDismiss}>
            {dismiss}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
