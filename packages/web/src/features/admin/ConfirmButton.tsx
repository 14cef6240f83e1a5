import { Button, Group, Modal, Text, type ButtonProps } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A destructive action behind a confirmation dialog that says what will happen. */
export function ConfirmButton({
  label,
  ariaLabel,
  question,
  onConfirm,
  ...button
}: {
  label: string;
  ariaLabel: string;
  question: string;
  onConfirm: () => Promise<void>;
} & ButtonProps) {
  const { t } = useTranslation();
  const [opened, { open, close }] = useDisclosure(false);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      close();
    }
  };
  return (
    <>
      <Button variant="subtle" color="#a51d24" {...button} aria-label={ariaLabel} onClick={open}>
        {label}
      </Button>
      <Modal opened={opened} onClose={close} title={t('admin.confirm.title')} size="sm">
        <Text size="sm">{question}</Text>
        <Group justify="flex-end" mt="md" gap="xs">
          <Button variant="default" onClick={close}>
            {t('admin.confirm.no')}
          </Button>
          <Button color="#a51d24" loading={busy} onClick={() => void confirm()}>
            {t('admin.confirm.yes')}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
