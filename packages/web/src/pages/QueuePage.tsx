import {
  Button,
  Checkbox,
  Group,
  Menu,
  Modal,
  MultiSelect,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, call, type Ticket } from '../api/client.ts';
import { PriorityBadge, StatusBadge } from '../components/badges.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { NextDeadline } from '../components/SlaClock.tsx';
import { useLiveUpdates } from '../lib/live.ts';
import {
  BREACH_HORIZONS_HOURS,
  EMPTY_FILTERS,
  loadViews,
  queueQuery,
  saveViews,
  type QueueFilters,
} from '../lib/queue-filters.ts';
import { useShortcuts } from '../lib/shortcuts.ts';
import { useSession } from '../session.tsx';

interface Named {
  readonly id: string;
  readonly name: string;
}

/** What the queue's pickers offer: organizations, staff, tags and the policy's priorities. */
function useDirectory() {
  const [orgs, setOrgs] = useState<Named[]>([]);
  const [agents, setAgents] = useState<Named[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const [priorities, setPriorities] = useState<string[]>([]);
  useEffect(() => {
    void api.GET('/api/v1/organizations').then(({ data }) => setOrgs(data?.items ?? []));
    void api
      .GET('/api/v1/users')
      .then(({ data }) =>
        setAgents(
          (data?.items ?? []).filter((u) => (u.role === 'agent' || u.role === 'admin') && !u.disabled),
        ),
      );
    void api.GET('/api/v1/tags').then(({ data }) => setTags((data?.items ?? []).map((t) => t.tag)));
    void api
      .GET('/api/v1/priorities')
      .then(({ data }) => setPriorities((data?.items ?? []).map((p) => p.id)));
  }, []);
  return { orgs, agents, tags, priorities };
}

export function QueuePage() {
  const { t } = useTranslation();
  const { me, workspace } = useSession();
  const navigate = useNavigate();
  const { orgs, agents, tags, priorities } = useDirectory();
  const [items, setItems] = useState<Ticket[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [readAtMs, setReadAtMs] = useState(0);
  const [filters, setFilters] = useState<QueueFilters>(EMPTY_FILTERS);
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [assignTo, setAssignTo] = useState<string | null>(null);
  const [assigning, setAssigning] = useState(false);
  const [bulkResult, setBulkResult] = useState<string | null>(null);
  const [cursor, setCursor] = useState(0);
  const owner = { workspace: workspace ?? '', user: me?.id ?? '' };
  const [views, setViews] = useState(() => loadViews(owner.workspace, owner.user));
  const [naming, setNaming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const search = useRef<HTMLInputElement>(null);
  const set = (patch: Partial<QueueFilters>) => setFilters((f) => ({ ...f, ...patch }));

  // The search is sent once typing pauses, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => setFilters((f) => (f.text === text ? f : { ...f, text })), 300);
    return () => clearTimeout(timer);
  }, [text]);

  const load = useCallback(() => {
    call(api.GET('/api/v1/queue', { params: { query: queueQuery(filters, Date.now()) as never } }))
      .then((data) => {
        setItems(data.items);
        setReadAtMs(Date.now());
        setLoaded(true);
        setError(null);
      })
      .catch(setError);
  }, [filters]);
  useEffect(load, [load]);
  useLiveUpdates(load);

  useShortcuts({
    j: () => setCursor((c) => Math.min(c + 1, items.length - 1)),
    k: () => setCursor((c) => Math.max(c - 1, 0)),
    x: () => items[cursor] && toggle(items[cursor].id),
    Enter: () => items[cursor] && void navigate(`/tickets/${items[cursor].id}`),
    '/': () => search.current?.focus(),
  });

  /** Each selected ticket through the ticket API, one by one: a refusal is shown on its row, the rest go on. */
  const assignSelected = async () => {
    if (assignTo === null) return;
    setAssigning(true);
    setBulkResult(null);
    const errors: Record<string, string> = {};
    let done = 0;
    for (const ticket of items.filter((i) => selected.has(i.id))) {
      try {
        await call(
          api.PATCH('/api/v1/tickets/{id}', {
            params: { path: { id: ticket.id } },
            body: { assigneeId: assignTo === 'none' ? null : assignTo, version: ticket.version },
          }),
        );
        done++;
      } catch (e) {
        errors[ticket.id] = e instanceof Error ? e.message : String(e);
      }
    }
    setRowErrors(errors);
    setSelected(new Set(Object.keys(errors)));
    setBulkResult(t('queue.bulkDone', { done, failed: Object.keys(errors).length }));
    setAssigning(false);
    load();
  };

  const saveView = (name: string) => {
    const next = { ...views, [name]: filters };
    setViews(next);
    saveViews(owner.workspace, owner.user, next);
    setNaming(false);
  };
  const deleteView = (name: string) => {
    const next = Object.fromEntries(Object.entries(views).filter(([n]) => n !== name));
    setViews(next);
    saveViews(owner.workspace, owner.user, next);
  };
  const applyView = (view: QueueFilters) => {
    setFilters(view);
    setText(view.text);
  };
  function toggle(id: string) {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }
  const orgName = (id: string) => orgs.find((o) => o.id === id)?.name ?? '';
  const agentName = (id: string | null) =>
    id === null ? '' : id === me?.id ? me.name : (agents.find((a) => a.id === id)?.name ?? '');

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1}>{t('queue.title')}</Title>
          <Text size="xs" c="dimmed">
            {t('queue.intro')}
          </Text>
        </div>
        <Group gap="xs">
          <Button component={Link} to="/tickets/new" size="xs" variant="light">
            {t('queue.newTicket')}
          </Button>
          <Menu withinPortal position="bottom-end">
            <Menu.Target>
              <Button variant="default" size="xs">
                {t('queue.views')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {Object.keys(views).length === 0 && <Menu.Label>{t('queue.noViews')}</Menu.Label>}
              {Object.entries(views).map(([name, view]) => (
                <Menu.Item key={name} onClick={() => applyView(view)}>
                  {name}
                </Menu.Item>
              ))}
              <Menu.Divider />
              <Menu.Item onClick={() => setNaming(true)}>{t('queue.saveView')}</Menu.Item>
              {Object.keys(views).length > 0 && <Menu.Label>{t('queue.deleteView')}</Menu.Label>}
              {Object.keys(views).map((name) => (
                <Menu.Item key={`delete-${name}`} c="red.9" onClick={() => deleteView(name)}>
                  {t('queue.deleteNamed', { name })}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Button
            variant="subtle"
            size="xs"
            onClick={() => applyView(EMPTY_FILTERS)}
            disabled={JSON.stringify(filters) === JSON.stringify(EMPTY_FILTERS)}
          >
            {t('queue.clearFilters')}
          </Button>
        </Group>
      </Group>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          ref={search}
          size="xs"
          label={t('common.search')}
          placeholder={t('queue.searchPlaceholder')}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          w={220}
        />
        <div>
          <Text size="xs" fw={500} id="queue-class-label">
            {t('queue.queue')}
          </Text>
          <SegmentedControl
            size="xs"
            aria-labelledby="queue-class-label"
            value={filters.queue}
            onChange={(queue) => set({ queue: queue as QueueFilters['queue'] })}
            data={[
              { value: 'all', label: t('common.all') },
              { value: 'priority', label: t('queue.priorityQueue') },
              { value: 'standard', label: t('queue.standardQueue') },
            ]}
          />
        </div>
        <Select
          size="xs"
          w={170}
          label={t('queue.assignee')}
          value={filters.assignee}
          allowDeselect={false}
          onChange={(assignee) => assignee !== null && set({ assignee })}
          data={[
            { value: 'all', label: t('common.all') },
            { value: 'me', label: t('common.me') },
            { value: 'none', label: t('common.unassigned') },
            ...agents.filter((a) => a.id !== me?.id).map((a) => ({ value: a.id, label: a.name })),
          ]}
        />
        <MultiSelect
          size="xs"
          w={160}
          label={t('queue.statusFilter')}
          value={filters.status}
          onChange={(status) => set({ status })}
          data={['new', 'open'].map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
        <MultiSelect
          size="xs"
          w={140}
          label={t('queue.priorityFilter')}
          value={filters.priority}
          onChange={(priority) => set({ priority })}
          data={priorities}
        />
        <Select
          size="xs"
          w={180}
          label={t('tickets.organization')}
          placeholder={t('common.all')}
          clearable
          searchable
          value={filters.organizationId}
          onChange={(organizationId) => set({ organizationId })}
          data={orgs.map((o) => ({ value: o.id, label: o.name }))}
        />
        <Select
          size="xs"
          w={140}
          label={t('queue.tag')}
          placeholder={t('common.all')}
          clearable
          searchable
          value={filters.tag}
          onChange={(tag) => set({ tag })}
          data={tags}
        />
        <Select
          size="xs"
          w={190}
          label={t('queue.breachingBefore')}
          placeholder={t('queue.anyTime')}
          clearable
          value={filters.breachingWithinHours === null ? null : String(filters.breachingWithinHours)}
          onChange={(h) => set({ breachingWithinHours: h === null ? null : Number(h) })}
          data={BREACH_HORIZONS_HOURS.map((h) => ({
            value: String(h),
            label: h === 0 ? t('queue.overdueNow') : t('queue.withinHours', { count: h }),
          }))}
        />
      </Group>
      {selected.size > 0 && (
        <Group gap="xs" align="flex-end" p="xs" bg="accord.0" style={{ borderRadius: 4 }}>
          <Text size="sm" fw={500}>
            {t('common.selected', { count: selected.size })}
          </Text>
          <Select
            size="xs"
            w={200}
            label={t('queue.assignTo')}
            value={assignTo}
            onChange={setAssignTo}
            data={[
              ...agents.map((a) => ({
                value: a.id,
                label: a.id === me?.id ? `${a.name} (${t('common.me')})` : a.name,
              })),
              { value: 'none', label: t('common.unassigned') },
            ]}
          />
          <Button
            size="xs"
            disabled={assignTo === null}
            loading={assigning}
            onClick={() => void assignSelected()}
          >
            {t('queue.bulkAssign', { count: selected.size })}
          </Button>
        </Group>
      )}
      {bulkResult !== null && (
        <Text size="sm" role="status">
          {bulkResult}
        </Text>
      )}
      <ErrorAlert error={error} />
      {loaded && items.length === 0 ? (
        <Text c="dimmed">{t('queue.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table data-testid="queue" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={32}>
                  <Checkbox
                    size="xs"
                    aria-label={t('queue.selectAll')}
                    checked={selected.size > 0 && selected.size === items.length}
                    indeterminate={selected.size > 0 && selected.size < items.length}
                    onChange={(e) =>
                      setSelected(e.currentTarget.checked ? new Set(items.map((s) => s.id)) : new Set())
                    }
                  />
                </Table.Th>
                <Table.Th>{t('tickets.priority')}</Table.Th>
                <Table.Th>{t('tickets.subject')}</Table.Th>
                <Table.Th>{t('tickets.organization')}</Table.Th>
                <Table.Th>{t('tickets.assignee')}</Table.Th>
                <Table.Th>{t('tickets.status')}</Table.Th>
                <Table.Th>{t('tickets.nextDeadline')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((ticket, index) => (
                <Table.Tr key={ticket.id} className="clickable-row" data-active={index === cursor}>
                  <Table.Td>
                    <Checkbox
                      size="xs"
                      aria-label={`${t('queue.select')}: ${ticket.subject}`}
                      checked={selected.has(ticket.id)}
                      onChange={() => toggle(ticket.id)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <PriorityBadge priority={ticket.priority} />
                  </Table.Td>
                  <Table.Td>
                    <Link to={`/tickets/${ticket.id}`}>{ticket.subject}</Link>
                    {ticket.tags.length > 0 && (
                      <Text size="xs" c="dimmed" component="span" ms={6}>
                        {ticket.tags.map((tag) => `#${tag}`).join(' ')}
                      </Text>
                    )}
                    {rowErrors[ticket.id] !== undefined && (
                      <Text size="xs" c="red.9" role="alert" data-testid="row-error">
                        {rowErrors[ticket.id]}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{orgName(ticket.organizationId)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={ticket.assigneeId === null ? 'dimmed' : undefined}>
                      {ticket.assigneeId === null ? t('common.unassigned') : agentName(ticket.assigneeId)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={ticket.status} />
                  </Table.Td>
                  <Table.Td>
                    <NextDeadline clocks={ticket.sla} readAtMs={readAtMs} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Text size="xs" c="dimmed">
        {t('queue.shortcuts')}
      </Text>
      <SaveViewModal
        opened={naming}
        existing={Object.keys(views)}
        onClose={() => setNaming(false)}
        onSave={saveView}
      />
    </Stack>
  );
}

function SaveViewModal(props: {
  opened: boolean;
  existing: readonly string[];
  onClose: () => void;
  onSave: (name: string) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return;
    props.onSave(name.trim().slice(0, 60));
    setName('');
  };
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={t('queue.saveView')}
      size="sm"
      closeButtonProps={{ 'aria-label': t('common.cancel') }}
    >
      <form onSubmit={submit}>
        <Stack gap="xs">
          <TextInput
            label={t('queue.viewName')}
            description={props.existing.includes(name.trim()) ? t('queue.viewReplaces') : undefined}
            value={name}
            maxLength={60}
            data-autofocus
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" size="xs" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" size="xs" disabled={name.trim() === ''}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
