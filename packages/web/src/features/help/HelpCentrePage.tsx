import {
  Alert,
  SimpleGrid,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { api, ApiError, call } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSession } from '../../session.tsx';
import { PublicLayout } from './PublicLayout.tsx';
import './help.css';

type Hit = components['schemas']['HelpSearchHit'];

/** `/help`: which service desk's help centre (a signed-in reader goes straight to their workspace's). */
export function HelpIndexPage() {
  const { t } = useTranslation();
  const { workspace } = useSession();
  const navigate = useNavigate();
  const [slug, setSlug] = useState(() => {
    try {
      return window.localStorage.getItem('accord.workspace') ?? '';
    } catch {
      return '';
    }
  });
  if (workspace !== null) return <Navigate to={`/help/${workspace}`} replace />;
  const open = (to: 'help' | 'status') => {
    const clean = slug.trim().toLowerCase();
    if (clean !== '') void navigate(`/${to}/${encodeURIComponent(clean)}`);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    open('help');
  };
  return (
    <PublicLayout>
      <Paper withBorder p="lg" maw={480} mx="auto" mt="xl">
        <form onSubmit={submit}>
          <Stack gap="sm">
            <Title order={1} size="h3">
              {t('help.centre.chooseTitle')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('help.centre.chooseIntro')}
            </Text>
            <TextInput
              label={t('help.centre.workspace')}
              value={slug}
              onChange={(e) => setSlug(e.currentTarget.value)}
              required
              autoComplete="off"
              dir="ltr"
            />
            <Group grow gap="xs">
              <Button type="submit" disabled={slug.trim() === ''}>
                {t('help.centre.go')}
              </Button>
              <Button variant="default" disabled={slug.trim() === ''} onClick={() => open('status')}>
                {t('help.centre.goStatus')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </PublicLayout>
  );
}

/** `/help/:workspace`: the public help centre, searched as you type, ranked with highlighted snippets. */
export function HelpCentrePage() {
  const { t } = useTranslation();
  const { workspace = '' } = useParams();
  const { language } = useSession();
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 250);
  const [items, setItems] = useState<Hit[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    setError(null);
    call(
      api.GET('/api/v1/help/{workspace}/articles', {
        params: {
          path: { workspace },
          query: {
            lang: language,
            limit: debounced === '' ? 50 : 10,
            ...(debounced === '' ? {} : { q: debounced }),
          },
        },
      }),
    )
      .then((data) => current && setItems(data.items))
      .catch((e: unknown) => current && (setError(e), setItems([])));
    return () => {
      current = false;
    };
  }, [workspace, language, debounced]);

  const byCategory = useMemo(() => {
    const groups = new Map<string, Hit[]>();
    for (const hit of items ?? []) groups.set(hit.category, [...(groups.get(hit.category) ?? []), hit]);
    return [...groups.entries()];
  }, [items]);
  const missing = error instanceof ApiError && error.status === 404;

  return (
    <PublicLayout workspace={workspace}>
      <Stack gap="md">
        <div>
          <Title order={1}>{t('help.centre.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('help.centre.subtitle', { workspace })}
          </Text>
        </div>
        {missing ? (
          <Alert color="gray" role="status">
            {t('help.centre.notFound')}
          </Alert>
        ) : (
          <>
            <TextInput
              type="search"
              size="md"
              label={t('help.centre.searchLabel')}
              placeholder={t('help.centre.searchPlaceholder')}
              value={query}
              onChange={(e) => setQuery(e.currentTarget.value)}
            />
            <ErrorAlert error={error} />
            {items === null ? (
              <Loader size="sm" aria-label={t('common.loading')} />
            ) : debounced !== '' ? (
              <Stack
                gap="xs"
                component="section"
                aria-label={t('help.centre.results')}
                data-testid="help-results"
              >
                {items.length === 0 && (
                  <Text size="sm" role="status">
                    {t('help.centre.noResults', { query: debounced })}
                  </Text>
                )}
                {items.map((hit) => (
                  <HitCard key={hit.slug} workspace={workspace} hit={hit} />
                ))}
              </Stack>
            ) : (
              <SimpleGrid
                cols={{ base: 1, sm: 2 }}
                spacing="sm"
                component="section"
                aria-label={t('help.centre.categories')}
              >
                {items.length === 0 && <Text size="sm">{t('help.centre.empty')}</Text>}
                {byCategory.map(([category, hits]) => (
                  <Paper withBorder p="sm" key={category}>
                    <Title order={2} mb="xs">
                      {category}
                    </Title>
                    <Stack gap={4}>
                      {hits.map((hit) => (
                        <Anchor
                          key={hit.slug}
                          component={Link}
                          to={`/help/${workspace}/${hit.slug}`}
                          lang={hit.language}
                        >
                          {hit.title}
                        </Anchor>
                      ))}
                    </Stack>
                  </Paper>
                ))}
              </SimpleGrid>
            )}
          </>
        )}
      </Stack>
    </PublicLayout>
  );
}

function HitCard({ workspace, hit }: { workspace: string; hit: Hit }) {
  return (
    <Paper withBorder p="sm" lang={hit.language} dir={hit.language === 'ar' ? 'rtl' : 'ltr'}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Anchor component={Link} to={`/help/${workspace}/${hit.slug}`} fw={600}>
          {hit.title}
        </Anchor>
        <Badge variant="outline" tt="none" color="gray.7" size="sm" style={{ flexShrink: 0 }}>
          {hit.category}
        </Badge>
      </Group>
      {/* The server escapes the snippet and marks the matched words: safe to insert as is. */}
      <Text
        size="sm"
        c="dimmed"
        mt={4}
        className="help-snippet"
        dangerouslySetInnerHTML={{ __html: hit.snippetHtml }}
      />
    </Paper>
  );
}
