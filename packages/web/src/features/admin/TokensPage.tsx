import {
  Button,
  Group,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import type { paths } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { formatShortInstant } from '../../lib/countdown.ts';
import { useSession } from '../../session.tsx';
import { AdminOnly } from './AdminOnly.tsx';
import { StateBadge } from './StateBadge.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { SecretOnce } from './SecretOnce.tsx';

type Token = paths['/api/v1/tokens']['get']['responses'][200]['content']['application/json']['items'][number];

export function TokensPage() {
  return (
    <AdminOnly>
      <Tokens />
    </AdminOnly>
  );
}

function Tokens() {
  const { t } = useTranslation();
  const { locale, timeZone } = useSession();
  const [items, setItems] = useState<Token[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [days, setDays] = useState<number | string>('');
  const load = useCallback(() => {
    call(api.GET('/api/v1/tokens'))
      .then((d) => setItems(d.items))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const created = await call(
        api.POST('/api/v1/tokens', {
          body: { name: name.trim(), ...(typeof days === 'number' ? { expiresInDays: days } : {}) },
        }),
      );
      setSecret(created.token);
      setName('');
      setDays('');
      load();
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (token: Token) => {
    setError(null);
    try {
      await call(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id: token.id } } }));
      load();
    } catch (e) {
      setError(e);
    }
  };
  // The page reads the time to tell expired tokens (display only; the server decides what a token opens).
  const nowMs = Date.now();
  const state = (token: Token) =>
    token.revokedAt !== null
      ? 'revoked'
      : token.expiresAt !== null && Date.parse(token.expiresAt) <= nowMs
        ? 'expired'
        : 'active';

  return (
    <Stack gap="sm">
      <Title order={1}>{t('admin.tokens.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('admin.tokens.intro')}
      </Text>
      {secret !== null && (
        <SecretOnce
          title={t('admin.tokens.secretTitle')}
          body={t('admin.tokens.secretBody')}
          label={t('admin.tokens.secretLabel')}
          secret={secret}
          dismiss={t('admin.tokens.dismiss')}
          onDismiss={() => setSecret(null)}
        />
      )}
      <Paper withBorder p="sm" component="form" onSubmit={(e: FormEvent) => void create(e)}>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs" verticalSpacing="xs">
          <TextInput
            label={t('admin.tokens.name')}
            description={t('admin.tokens.nameHint')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            maxLength={100}
          />
          <NumberInput
            size="xs"
            label={t('admin.tokens.expiresInDays')}
            description={t('admin.tokens.expiresHint')}
            value={days}
            onChange={setDays}
            min={1}
            max={3650}
            allowDecimal={false}
          />
          <Group align="flex-end">
            <Button type="submit">{t('admin.tokens.create')}</Button>
          </Group>
        </SimpleGrid>
      </Paper>
      <ErrorAlert error={error} />
      <Paper withBorder p="sm" style={{ overflowX: 'auto' }}>
        <Table data-testid="tokens">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.tokens.name')}</Table.Th>
              <Table.Th visibleFrom="sm">{t('admin.tokens.created')}</Table.Th>
              <Table.Th>{t('admin.tokens.expires')}</Table.Th>
              <Table.Th>{t('admin.tokens.status')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(items ?? []).map((token) => {
              const s = state(token);
              return (
                <Table.Tr key={token.id}>
                  <Table.Td>{token.name}</Table.Td>
                  <Table.Td visibleFrom="sm">
                    {formatShortInstant(token.createdAt, locale, timeZone)}
                  </Table.Td>
                  <Table.Td>
                    {token.expiresAt === null
                      ? t('admin.tokens.never')
                      : formatShortInstant(token.expiresAt, locale, timeZone)}
                  </Table.Td>
                  <Table.Td>
                    <StateBadge tone={s === 'active' ? 'good' : s === 'revoked' ? 'bad' : 'neutral'}>
                      {t(`admin.tokens.${s}`)}
                    </StateBadge>
                  </Table.Td>
                  <Table.Td ta="end">
                    {s === 'active' && (
                      <ConfirmButton
                        label={t('admin.tokens.revoke')}
                        ariaLabel={t('admin.tokens.revokeOf', { name: token.name })}
                        question={t('admin.tokens.confirmRevoke', { name: token.name })}
                        onConfirm={() => revoke(token)}
                      />
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        {items === null && error === null && <Text c="dimmed">{t('common.loading')}</Text>}
        {items?.length === 0 && <Text c="dimmed">{t('admin.tokens.empty')}</Text>}
      </Paper>
    </Stack>
  );
}
