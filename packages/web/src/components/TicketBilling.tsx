import {
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, type Ticket } from '../api/client.ts';
import type { components } from '../api/schema';
import { formatShortInstant } from '../lib/countdown.ts';
import { useSession } from '../session.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';

type Quote = components['schemas']['Quote'];
type TimeEntry = components['schemas']['TimeEntry'];

const money = (cents: number, currency: string, locale: string) =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);

/** Today's date in the reader's zone, as the API's local dates (YYYY-MM-DD). */
function localDate(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}

/**
 * Out-of-scope work and time: "L'intervention fera l'objet d'un devis ou d'une facturation en régie au tarif en
 * vigueur" (hosting agreement). The client accepts a quote or chooses time-and-materials, never both; staff propose
 * quotes and log time on every ticket.
 */
export function TicketBilling({
  ticket,
  staff,
  onChanged,
}: {
  ticket: Ticket;
  staff: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { role, locale, timeZone } = useSession();
  const [quotes, setQuotes] = useState<Quote[]>([]);
  const [entries, setEntries] = useState<TimeEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const billable = ticket.billingMode !== 'none';
  const load = useCallback(() => {
    const path = { params: { path: { id: ticket.id } } };
    if (billable)
      void api.GET('/api/v1/tickets/{id}/quotes', path).then(({ data }) => setQuotes(data?.items ?? []));
    if (staff || billable)
      void api
        .GET('/api/v1/time-entries', { params: { query: { ticketId: ticket.id } } })
        .then(({ data }) => setEntries(data?.items ?? []));
  }, [ticket.id, billable, staff]);
  useEffect(load, [load, ticket.version]);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      load();
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const decide = (quote: Quote, decision: 'accepted' | 'rejected') =>
    act(() =>
      call(
        api.POST('/api/v1/tickets/{id}/quotes/{quoteId}/decision', {
          params: { path: { id: ticket.id, quoteId: quote.id } },
          body: { decision },
        }),
      ),
    );
  const chooseTimeAndMaterials = () =>
    act(() =>
      call(
        api.POST('/api/v1/tickets/{id}/billing/time-and-materials', { params: { path: { id: ticket.id } } }),
      ),
    );
  const accepted = quotes.some((q) => q.status === 'accepted');
  const mayDecide = role === 'client' || role === 'admin';
  if (!staff && !billable) return null;
  return (
    <Paper withBorder p="sm" data-testid="billing">
      <Stack gap="xs">
        <Title order={2}>{billable ? t('billing.title') : t('billing.timeTitle')}</Title>
        {billable && (
          <>
            <Group gap="xs">
              <Text size="sm">{t('billing.outOfScope')}</Text>
              <Badge
                size="sm"
                variant="light"
                color={ticket.billingMode === 'time-and-materials' ? '#0b6650' : 'accord.7'}
              >
                {t(`billing.mode.${ticket.billingMode}`)}
              </Badge>
            </Group>
            {quotes.length === 0 && (
              <Text size="sm" c="dimmed">
                {t('billing.noQuotes')}
              </Text>
            )}
            {quotes.map((q) => (
              <Paper key={q.id} withBorder p="xs" data-testid="quote">
                <Group justify="space-between" wrap="wrap" gap="xs">
                  <div>
                    <Text size="sm" fw={600}>
                      {money(q.amountCents, q.currency, locale)}
                    </Text>
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {q.description}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {formatShortInstant(q.createdAt, locale, timeZone)}
                    </Text>
                  </div>
                  {q.status === 'proposed' && mayDecide && ticket.billingMode !== 'time-and-materials' ? (
                    <Group gap="xs">
                      <Button size="xs" onClick={() => void decide(q, 'accepted')}>
                        {t('billing.accept')}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => void decide(q, 'rejected')}>
                        {t('billing.reject')}
                      </Button>
                    </Group>
                  ) : (
                    <Badge size="sm" variant="outline" color={q.status === 'accepted' ? '#1e6b34' : 'gray.7'}>
                      {t(`billing.quoteStatus.${q.status}`)}
                    </Badge>
                  )}
                </Group>
              </Paper>
            ))}
            {mayDecide && ticket.billingMode === 'quote' && !accepted && (
              <Group gap="xs" align="center">
                <Button size="xs" variant="light" onClick={() => void chooseTimeAndMaterials()}>
                  {t('billing.chooseTimeAndMaterials')}
                </Button>
                <Text size="xs" c="dimmed">
                  {t('billing.timeAndMaterialsHint')}
                </Text>
              </Group>
            )}
            {staff && ticket.billingMode === 'quote' && !accepted && ticket.status !== 'closed' && (
              <QuoteForm ticketId={ticket.id} onDone={() => void act(async () => undefined)} />
            )}
          </>
        )}
        <ErrorAlert error={error} />
        <TimeEntries entries={entries} staff={staff} />
        {staff &&
          ticket.status !== 'closed' &&
          (billable && ticket.billingMode === 'quote' && !accepted ? (
            <Text size="xs" c="dimmed">
              {t('billing.timeNeedsDecision')}
            </Text>
          ) : (
            <TimeForm
              ticketId={ticket.id}
              timeZone={timeZone}
              onDone={() => void act(async () => undefined)}
            />
          ))}
      </Stack>
    </Paper>
  );
}

function TimeEntries({ entries, staff }: { entries: readonly TimeEntry[]; staff: boolean }) {
  const { t } = useTranslation();
  const { locale } = useSession();
  const total = entries.reduce((sum, e) => sum + e.minutes, 0);
  if (entries.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('billing.noTime')}
      </Text>
    );
  return (
    <Table fz="sm" verticalSpacing={2} data-testid="time-entries">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('billing.workDate')}</Table.Th>
          <Table.Th>{t('billing.minutes')}</Table.Th>
          {staff && <Table.Th>{t('billing.note')}</Table.Th>}
          <Table.Th>{t('billing.amount')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map((e) => (
          <Table.Tr key={e.id}>
            <Table.Td>{e.workDate}</Table.Td>
            <Table.Td>{e.minutes}</Table.Td>
            {staff && <Table.Td>{e.note ?? ''}</Table.Td>}
            <Table.Td>
              {e.billable ? money(e.amountCents, e.currency, locale) : t('billing.included')}
            </Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td fw={600}>{t('billing.total')}</Table.Td>
          <Table.Td fw={600}>{total}</Table.Td>
          {staff && <Table.Td />}
          <Table.Td />
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

function TimeForm({
  ticketId,
  timeZone,
  onDone,
}: {
  ticketId: string;
  timeZone: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [minutes, setMinutes] = useState<number | string>(15);
  const [workDate, setWorkDate] = useState(() => localDate(timeZone));
  const [note, setNote] = useState('');
  const [billable, setBillable] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(
        api.POST('/api/v1/tickets/{id}/time-entries', {
          params: { path: { id: ticketId } },
          body: { minutes: Number(minutes), workDate, note, ...(billable === null ? {} : { billable }) },
        }),
      );
      setNote('');
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t('billing.logTime')}>
      <Stack gap={6}>
        <Group gap="xs" align="flex-end" wrap="wrap">
          <NumberInput
            size="xs"
            w={100}
            label={t('billing.minutes')}
            min={1}
            max={1440}
            value={minutes}
            onChange={setMinutes}
          />
          <TextInput
            size="xs"
            w={150}
            type="date"
            label={t('billing.workDate')}
            value={workDate}
            onChange={(e) => setWorkDate(e.currentTarget.value)}
          />
          <TextInput
            size="xs"
            style={{ flex: 1, minInlineSize: 160 }}
            label={t('billing.note')}
            value={note}
            maxLength={2000}
            onChange={(e) => setNote(e.currentTarget.value)}
          />
        </Group>
        <Checkbox
          size="xs"
          label={t('billing.billableOverride')}
          checked={billable === true}
          onChange={(e) => setBillable(e.currentTarget.checked ? true : null)}
        />
        <ErrorAlert error={error} />
        <Group>
          <Button type="submit" size="xs" variant="light" loading={busy} disabled={Number(minutes) < 1}>
            {t('billing.logTime')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function QuoteForm({ ticketId, onDone }: { ticketId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState<number | string>('');
  const [currency, setCurrency] = useState('EUR');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await call(
        api.POST('/api/v1/tickets/{id}/quotes', {
          params: { path: { id: ticketId } },
          body: { amountCents: Math.round(Number(amount) * 100), currency, description },
        }),
      );
      setAmount('');
      setDescription('');
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t('billing.propose')}>
      <Stack gap={6}>
        <Group gap="xs" align="flex-end" wrap="wrap">
          <NumberInput
            size="xs"
            w={120}
            label={t('billing.amount')}
            min={0.01}
            decimalScale={2}
            value={amount}
            onChange={setAmount}
          />
          <TextInput
            size="xs"
            w={80}
            label={t('billing.currency')}
            value={currency}
            maxLength={3}
            onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
          />
          <TextInput
            size="xs"
            style={{ flex: 1, minInlineSize: 160 }}
            label={t('billing.quoteDescription')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
        </Group>
        <ErrorAlert error={error} />
        <Group>
          <Button
            type="submit"
            size="xs"
            variant="light"
            disabled={Number(amount) <= 0 || description.trim() === ''}
          >
            {t('billing.propose')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
