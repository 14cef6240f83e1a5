import { Alert, Anchor, Group, List, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { MessageActions, type Outcome } from './MessageActions.tsx';
import { reasonKey, StaffOnly, StatusBadge, type InboundMailDetail } from './shared.tsx';

/** `/inbound-mail/:id`: one held message, read as text, and what to do with it. */
export function InboundMessagePage() {
  return (
    <StaffOnly>
      <InboundMessage />
    </StaffOnly>
  );
}

function InboundMessage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { locale, timeZone } = useSession();
  const [mail, setMail] = useState<InboundMailDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const load = useCallback(() => {
    call(api.GET('/api/v1/inbound-mail/{id}', { params: { path: { id } } }))
      .then(setMail)
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);
  const date = (iso: string) => formatShortInstant(iso, locale, timeZone);

  if (mail === null)
    return error === null ? <Text c="dimmed">{t('common.loading')}</Text> : <ErrorAlert error={error} />;
  const subject = mail.subject === null || mail.subject === '' ? t('inboundMail.noSubject') : mail.subject;
  const actionable = mail.status === 'held' || mail.status === 'failed';
  const field = (label: string, value: string, ltr = false) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" dir={ltr ? 'ltr' : undefined} style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </div>
  );

  return (
    <Stack gap="sm">
      <div>
        <Anchor component={Link} to="/inbound-mail" size="sm">
          {t('inboundMail.message.back')}
        </Anchor>
        <Group gap="xs" align="center">
          <Title order={1} style={{ overflowWrap: 'anywhere' }}>
            {subject}
          </Title>
          <StatusBadge status={mail.status} />
        </Group>
      </div>
      <ErrorAlert error={error} />
      {outcome !== null && (
        <Alert
          color={outcome.status === 'processed' ? 'green' : 'orange'}
          variant="light"
          role="status"
          p="xs"
          data-testid="outcome"
        >
          {t(
            `inboundMail.actions.outcome.${outcome.status === 'processed' ? 'processed' : outcome.status === 'failed' ? 'failed' : outcome.status === 'ignored' ? 'ignored' : 'held'}`,
            { reason: outcome.reason ?? '' },
          )}{' '}
          {outcome.ticketId !== null && outcome.status === 'processed' && (
            <Anchor component={Link} to={`/tickets/${outcome.ticketId}`} size="sm">
              {t('inboundMail.message.openTicket')}
            </Anchor>
          )}
        </Alert>
      )}
      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          {field(
            t('inboundMail.message.from'),
            mail.from ?? mail.envelopeFrom ?? t('inboundMail.unknownFrom'),
            true,
          )}
          {field(t('inboundMail.message.to'), mail.to.join(', '), true)}
          {mail.cc.length > 0 && field(t('inboundMail.message.cc'), mail.cc.join(', '), true)}
          {field(t('inboundMail.message.receivedAt'), date(mail.receivedAt))}
          {mail.sentAt !== null && field(t('inboundMail.message.sentAt'), date(mail.sentAt))}
          {actionable && (
            <div>
              <Text size="xs" c="dimmed">
                {t('inboundMail.message.why')}
              </Text>
              <Text size="sm">{t(reasonKey(mail))}</Text>
              {mail.reason !== null && (
                <Text size="xs" c="dimmed" dir="ltr" style={{ overflowWrap: 'anywhere' }}>
                  {mail.reason}
                </Text>
              )}
            </div>
          )}
          {mail.ticketId !== null && (
            <div>
              <Text size="xs" c="dimmed">
                {t('inboundMail.message.ticket')}
              </Text>
              <Anchor component={Link} to={`/tickets/${mail.ticketId}`} size="sm">
                {t('inboundMail.message.openTicket')}
              </Anchor>
            </div>
          )}
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="sm" component="section" aria-labelledby="inbound-text">
        <Title order={2} size="h4" id="inbound-text">
          {t('inboundMail.message.text')}
        </Title>
        <Text size="xs" c="dimmed" mb="xs">
          {t('inboundMail.message.textNote')}
        </Text>
        {/* Text only, as React escapes it: the message's HTML is never rendered. */}
        <Text
          component="pre"
          size="sm"
          data-testid="inbound-text"
          dir="auto"
          style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontFamily: 'inherit', margin: 0 }}
        >
          {mail.text === '' ? t('inboundMail.message.noText') : mail.text}
        </Text>
        {mail.textTruncated && (
          <Text size="xs" c="dimmed" mt="xs">
            {t('inboundMail.message.truncated')}
          </Text>
        )}
      </Paper>
      <Paper withBorder p="sm" component="section" aria-labelledby="inbound-files">
        <Title order={2} size="h4" id="inbound-files" mb="xs">
          {t('inboundMail.message.attachments')}
        </Title>
        {mail.attachments.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('inboundMail.message.noAttachments')}
          </Text>
        ) : (
          <List size="sm" data-testid="inbound-files">
            {mail.attachments.map((a, i) => (
              <List.Item key={`${i}-${a.filename}`}>
                <span dir="ltr">{a.filename}</span> ({a.contentType}, {formatBytes(a.sizeBytes, locale)})
                {!a.kept && ` — ${t('inboundMail.message.notAccepted')}`}
              </List.Item>
            ))}
          </List>
        )}
      </Paper>
      {actionable ? (
        <MessageActions
          mail={mail}
          onOutcome={(o) => {
            setOutcome(o);
            load();
          }}
          onDiscarded={() => void navigate('/inbound-mail', { replace: true })}
        />
      ) : (
        <Text size="sm" c="dimmed">
          {t('inboundMail.message.done', { status: t(`inboundMail.status.${mail.status}`) })}
        </Text>
      )}
      {mail.actions.length > 0 && (
        <Paper withBorder p="sm" component="section" aria-labelledby="inbound-history">
          <Title order={2} size="h4" id="inbound-history" mb="xs">
            {t('inboundMail.message.history')}
          </Title>
          <List size="sm" data-testid="inbound-history">
            {mail.actions.map((a, i) => (
              <List.Item key={`${i}-${a.at}`}>
                {t('inboundMail.actions.by', {
                  action: t(`inboundMail.actions.kinds.${a.action}`),
                  name: a.by ?? '?',
                  at: date(a.at),
                  outcome: a.outcome,
                })}
              </List.Item>
            ))}
          </List>
        </Paper>
      )}
    </Stack>
  );
}

function formatBytes(bytes: number, locale: string): string {
  const format = (n: number, unit: 'byte' | 'kilobyte' | 'megabyte') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit, maximumFractionDigits: 1 }).format(n);
  if (bytes < 1024) return format(bytes, 'byte');
  if (bytes < 1024 * 1024) return format(bytes / 1024, 'kilobyte');
  return format(bytes / (1024 * 1024), 'megabyte');
}
