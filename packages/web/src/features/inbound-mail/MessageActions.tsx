import { Button, Group, Modal, Paper, Radio, Select, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, type Ticket } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import type { InboundMailDetail } from './shared.tsx';

export type Outcome = components['schemas']['InboundMailOutcome'];

/** Replay, attach to a ticket, discard: what staff can do with a held or failed message (each audited). */
export function MessageActions({
  mail,
  onOutcome,
  onDiscarded,
}: {
  mail: InboundMailDetail;
  onOutcome: (outcome: Outcome) => void;
  onDiscarded: () => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'replay' | 'attach' | 'discard' | null>(null);
  const [confirming, { open, close }] = useDisclosure(false);
  const path = { params: { path: { id: mail.id } } };

  async function run(kind: 'replay' | 'attach' | 'discard', action: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  const replay = () =>
    run('replay', async () => onOutcome(await call(api.POST('/api/v1/inbound-mail/{id}/replay', path))));
  const discard = () =>
    run('discard', async () => {
      await call(api.DELETE('/api/v1/inbound-mail/{id}', path));
      close();
      onDiscarded();
    });

  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="inbound-actions">
      <Title order={2} size="h4" id="inbound-actions" mb="xs">
        {t('inboundMail.actions.title')}
      </Title>
      <Stack gap="md">
        <ErrorAlert error={error} />
        <div>
          <Button onClick={() => void replay()} loading={busy === 'replay'} disabled={busy !== null}>
            {t('inboundMail.actions.replay')}
          </Button>
          <Text size="xs" c="dimmed" mt={4}>
            {t('inboundMail.actions.replayHint')}
          </Text>
        </div>
        <AttachForm
          busy={busy}
          onSubmit={(ticketId, visibility) =>
            run('attach', async () =>
              onOutcome(
                await call(
                  api.POST('/api/v1/inbound-mail/{id}/attach', { ...path, body: { ticketId, visibility } }),
                ),
              ),
            )
          }
        />
        <div>
          <Button variant="outline" color="#a51d24" onClick={open} disabled={busy !== null}>
            {t('inboundMail.actions.discard')}
          </Button>
          <Text size="xs" c="dimmed" mt={4}>
            {t('inboundMail.actions.discardHint')}
          </Text>
        </div>
      </Stack>
      <Modal opened={confirming} onClose={close} title={t('inboundMail.actions.discard')} size="sm">
        <Text size="sm">{t('inboundMail.actions.discardHint')}</Text>
        <Group justify="flex-end" mt="md" gap="xs">
          <Button variant="default" onClick={close}>
            {t('inboundMail.actions.cancel')}
          </Button>
          <Button color="#a51d24" loading={busy === 'discard'} onClick={() => void discard()}>
            {t('inboundMail.actions.discardConfirm')}
          </Button>
        </Group>
      </Modal>
    </Paper>
  );
}

/** A ticket chosen by search (subject words or the 8-character reference), and who may read the attached message. */
function AttachForm({
  busy,
  onSubmit,
}: {
  busy: string | null;
  onSubmit: (ticketId: string, visibility: 'public' | 'internal') => Promise<void>;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [tickets, setTickets] = useState<Ticket[]>([]);
  const [ticketId, setTicketId] = useState<string | null>(null);
  const [visibility, setVisibility] = useState<'public' | 'internal'>('internal');

  useEffect(() => {
    const words = search.trim();
    // The chosen ticket's label is the search text once picked: no new search for it.
    if (tickets.some((x) => label(x) === words)) return;
    const timer = setTimeout(() => {
      const query = {
        status: 'new,open,pending-customer,resolved',
        limit: 20,
        ...(words === '' ? {} : { q: words }),
      };
      call(api.GET('/api/v1/tickets', { params: { query } }))
        .then((d) => setTickets(d.items))
        .catch(() => setTickets([]));
    }, 250);
    return () => clearTimeout(timer);
    // Only a new search text fetches (`tickets` is read to skip the chosen ticket's label).
  }, [search]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ticketId !== null) void onSubmit(ticketId, visibility);
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="xs">
        <Select
          label={t('inboundMail.actions.ticket')}
          placeholder={t('inboundMail.actions.ticketSearch')}
          searchable
          clearable
          filter={({ options }) => options}
          searchValue={search}
          onSearchChange={setSearch}
          nothingFoundMessage={t('inboundMail.actions.noTickets')}
          data={tickets.map((x) => ({ value: x.id, label: label(x) }))}
          value={ticketId}
          onChange={setTicketId}
          maw={520}
        />
        <Radio.Group
          label={t('inboundMail.actions.visibility')}
          value={visibility}
          onChange={(v) => setVisibility(v === 'public' ? 'public' : 'internal')}
        >
          <Group gap="md" mt={4}>
            <Radio value="internal" label={t('inboundMail.actions.internal')} />
            <Radio value="public" label={t('inboundMail.actions.public')} />
          </Group>
        </Radio.Group>
        <div>
          <Button
            type="submit"
            variant="light"
            disabled={ticketId === null || busy !== null}
            loading={busy === 'attach'}
          >
            {t('inboundMail.actions.attach')}
          </Button>
          <Text size="xs" c="dimmed" mt={4}>
            {t('inboundMail.actions.attachHint')}
          </Text>
        </div>
      </Stack>
    </form>
  );
}

function label(ticket: Ticket): string {
  return `${ticket.id.slice(0, 8).toUpperCase()} · ${ticket.subject}`;
}
