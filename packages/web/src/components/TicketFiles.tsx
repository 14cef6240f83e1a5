import { Anchor, Badge, Button, Checkbox, FileInput, Group, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client.ts';
import type { components } from '../api/schema';
import { ErrorAlert } from './ErrorAlert.tsx';

type Attachment = components['schemas']['Attachment'];

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });
}

const sizeOf = (bytes: number, locale: string) =>
  new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: bytes >= 1024 * 1024 ? 'megabyte' : 'kilobyte',
    maximumFractionDigits: 1,
  }).format(bytes >= 1024 * 1024 ? bytes / 1024 / 1024 : Math.max(0.1, bytes / 1024));

/** A ticket's files: download links for everyone; upload for the requester and staff (staff may keep a file internal). */
export function TicketFiles(props: {
  ticketId: string;
  staff: boolean;
  closed: boolean;
  attachments: readonly Attachment[];
  locale: string;
  onUploaded: () => void;
}) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function upload(event: FormEvent) {
    event.preventDefault();
    if (file === null) return;
    setBusy(true);
    setError(null);
    try {
      await call(
        api.POST('/api/v1/tickets/{id}/attachments', {
          params: { path: { id: props.ticketId } },
          body: {
            filename: file.name,
            contentType: file.type || 'application/octet-stream',
            contentBase64: await base64Of(file),
            ...(props.staff ? { visibility: internal ? 'internal' : 'public' } : {}),
          },
        }),
      );
      setFile(null);
      setInternal(false);
      props.onUploaded();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Stack gap={6}>
      <Title order={3}>{t('ticket.attachments')}</Title>
      {props.attachments.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('ticket.noAttachments')}
        </Text>
      )}
      <Stack gap={2} data-testid="attachments">
        {props.attachments.map((a) => (
          <Group key={a.id} gap={6} wrap="nowrap" justify="space-between">
            <Anchor
              size="sm"
              href={`/api/v1/tickets/${props.ticketId}/attachments/${a.id}`}
              download={a.filename}
            >
              {a.filename}
            </Anchor>
            <Group gap={4} wrap="nowrap">
              {a.visibility === 'internal' && (
                <Badge size="xs" color="#a63d00" variant="light">
                  {t('ticket.internal')}
                </Badge>
              )}
              <Text size="xs" c="dimmed">
                {sizeOf(a.sizeBytes, props.locale)}
              </Text>
            </Group>
          </Group>
        ))}
      </Stack>
      {!props.closed && (
        <form onSubmit={(e) => void upload(e)}>
          <Stack gap={6}>
            <FileInput
              size="xs"
              label={t('ticket.addFile')}
              description={t('ticket.fileHint')}
              value={file}
              onChange={setFile}
              clearable
            />
            {props.staff && (
              <Checkbox
                size="xs"
                label={t('ticket.internalFile')}
                checked={internal}
                onChange={(e) => setInternal(e.currentTarget.checked)}
              />
            )}
            <ErrorAlert error={error} />
            <Group>
              <Button type="submit" size="xs" variant="light" disabled={file === null} loading={busy}>
                {t('ticket.upload')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
