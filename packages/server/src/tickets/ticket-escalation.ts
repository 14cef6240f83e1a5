import { escalationOutcome, type EscalationAudience, type EscalationMoment } from '../sla/sla-core.ts';
import type { SlaPolicy } from '../sla/sla-clock.service.ts';
import type { TicketRepository, TicketRow } from './ticket.repository.ts';

/**
 * Who the policy's escalation rules tell at this moment of this ticket, as user ids, and the priority they raise
 * it to (null: none). `assignee` falls back to the agents while nobody holds the ticket.
 */
export async function escalationFor(
  repo: Pick<TicketRepository, 'memberIds'>,
  policy: SlaPolicy,
  ticket: Pick<TicketRow, 'workspace_id' | 'assignee_id' | 'requester_id' | 'priority' | 'plan'>,
  moment: Omit<EscalationMoment, 'priority' | 'plan'>,
): Promise<{ recipients: string[]; raisePriority: string | null }> {
  const outcome = escalationOutcome(policy.escalations, {
    ...moment,
    priority: ticket.priority as EscalationMoment['priority'],
    plan: ticket.plan,
  });
  const recipients = new Set<string>();
  const roles = (audience: EscalationAudience): string[] =>
    audience === 'agents' ? ['agent'] : audience === 'admins' ? ['admin'] : [];
  for (const audience of outcome.notify) {
    if (audience === 'requester') recipients.add(ticket.requester_id);
    else if (audience === 'assignee' && ticket.assignee_id !== null) recipients.add(ticket.assignee_id);
    else
      for (const id of await repo.memberIds(
        ticket.workspace_id,
        roles(audience === 'assignee' ? 'agents' : audience),
      ))
        recipients.add(id);
  }
  return { recipients: [...recipients], raisePriority: outcome.raisePriority };
}
