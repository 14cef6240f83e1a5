import { Accordion, List, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client.ts';
import type { paths } from '../api/schema';
import { formatShortInstant } from '../lib/countdown.ts';
import { useSession } from '../session.tsx';

type TracedClock =
  paths['/api/v1/tickets/{id}/sla']['get']['responses'][200]['content']['application/json']['clocks'][number];

/**
 * "Why this deadline": each clock's trace, replayed by the server from the ticket's history (start, pauses, calendar
 * closures, the target of the plan and priority). Read again whenever the ticket moves to a new version.
 */
export function SlaTrace({ ticketId, version }: { ticketId: string; version: number }) {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const [clocks, setClocks] = useState<TracedClock[]>([]);
  const [error, setError] = useState(false);
  useEffect(() => {
    call(api.GET('/api/v1/tickets/{id}/sla', { params: { path: { id: ticketId } } }))
      .then((data) => {
        setClocks(data.clocks);
        setError(false);
      })
      .catch(() => setError(true));
  }, [ticketId, version]);
  if (error)
    return (
      <Text size="xs" c="dimmed">
        {t('ticket.traceUnavailable')}
      </Text>
    );
  if (clocks.length === 0) return null;
  return (
    <Accordion variant="contained" chevronPosition="left" data-testid="sla-trace">
      {clocks.map((clock) => (
        <Accordion.Item key={clock.metric} value={clock.metric}>
          <Accordion.Control>
            <Text size="sm">
              {t('ticket.whyDeadline', {
                metric: t(`metric.${clock.metric}`, { defaultValue: clock.metric }),
              })}
            </Text>
          </Accordion.Control>
          <Accordion.Panel>
            <List size="sm" spacing={2} listStyleType="none" ps={0}>
              {clock.trace.map((line, i) => (
                <List.Item key={i}>
                  {line.at !== null && (
                    <Text component="span" size="xs" c="dimmed" me={6} ff="monospace">
                      {formatShortInstant(line.at, locale, timeZone)}
                    </Text>
                  )}
                  <Text component="span" size="sm">
                    {line.text}
                  </Text>
                </List.Item>
              ))}
            </List>
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}
