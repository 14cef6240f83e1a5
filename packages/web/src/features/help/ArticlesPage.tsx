import { Anchor, Badge, Button, Grid, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api/client.ts';
import type { components, paths } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSession } from '../../session.tsx';

type Article = components['schemas']['HelpArticle'];
type Insights = paths['/api/v1/articles/insights']['get']['responses'][200]['content']['application/json'];
export const LANGUAGE_OPTIONS = [
  { value: 'fr', label: 'Français' },
  { value: 'en', label: 'English' },
  { value: 'ar', label: 'العربية' },
];

/** `/articles` (staff): every article with its votes, and what readers looked for in vain. */
export function ArticlesPage() {
  const { t } = useTranslation();
  const { workspace, locale, timeZone } = useSession();
  const [articles, setArticles] = useState<Article[] | null>(null);
  const [insights, setInsights] = useState<Insights | null>(null);
  const [state, setState] = useState<string | null>(null);
  const [language, setLanguage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const query = {
      ...(state === null ? {} : { state: state as Article['state'] }),
      ...(language === null ? {} : { language: language as Article['language'] }),
    };
    call(api.GET('/api/v1/articles', { params: { query } }))
      .then((d) => setArticles(d.items))
      .catch(setError);
  }, [state, language]);
  useEffect(() => {
    call(api.GET('/api/v1/articles/insights')).then(setInsights).catch(setError);
  }, []);

  const date = (iso: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
      new Date(iso),
    );

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1}>{t('help.staff.title')}</Title>
        <Group gap="xs">
          {workspace !== null && (
            <Anchor component={Link} to={`/help/${workspace}`} size="sm">
              {t('help.staff.publicLink')}
            </Anchor>
          )}
          <Button component={Link} to="/articles/new">
            {t('help.staff.newArticle')}
          </Button>
        </Group>
      </Group>
      <Group gap="xs">
        <Select
          label={t('help.staff.columns.state')}
          placeholder={t('help.staff.allStates')}
          clearable
          value={state}
          onChange={setState}
          data={[
            { value: 'draft', label: t('help.staff.state.draft') },
            { value: 'published', label: t('help.staff.state.published') },
          ]}
        />
        <Select
          label={t('help.staff.columns.language')}
          placeholder={t('help.staff.allLanguages')}
          clearable
          value={language}
          onChange={setLanguage}
          data={LANGUAGE_OPTIONS}
        />
      </Group>
      <ErrorAlert error={error} />
      <Paper withBorder>
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover data-testid="articles">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('help.staff.columns.title')}</Table.Th>
                <Table.Th>{t('help.staff.columns.language')}</Table.Th>
                <Table.Th>{t('help.staff.columns.category')}</Table.Th>
                <Table.Th>{t('help.staff.columns.state')}</Table.Th>
                <Table.Th>{t('help.staff.columns.votes')}</Table.Th>
                <Table.Th>{t('help.staff.columns.updated')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {articles?.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>{t('help.staff.empty')}</Table.Td>
                </Table.Tr>
              )}
              {(articles ?? []).map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td lang={a.language} dir={a.language === 'ar' ? 'rtl' : 'ltr'}>
                    <Anchor component={Link} to={`/articles/${a.id}`} size="sm">
                      {a.title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{a.language}</Table.Td>
                  <Table.Td>{a.category}</Table.Td>
                  <Table.Td>
                    <Badge
                      size="sm"
                      variant="outline"
                      tt="none"
                      color={a.state === 'published' ? '#1e6b34' : 'gray.7'}
                    >
                      {t(`help.staff.state.${a.state}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text
                      size="xs"
                      aria-label={`${t('help.staff.helpful')} ${a.votes.helpful}, ${t('help.staff.notHelpful')} ${a.votes.notHelpful}`}
                    >
                      +{a.votes.helpful} / −{a.votes.notHelpful}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{date(a.updatedAt)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Title order={2}>{t('help.staff.insights')}</Title>
      <Grid gutter="sm">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="xs" component="section" aria-labelledby="help-zero">
            <Title order={3} id="help-zero" mb={4}>
              {t('help.staff.zeroSearches')}
            </Title>
            {insights?.zeroResultSearches.length === 0 ? (
              <Text size="sm">{t('help.staff.zeroNone')}</Text>
            ) : (
              <Table data-testid="zero-searches">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('help.staff.query')}</Table.Th>
                    <Table.Th>{t('help.staff.columns.language')}</Table.Th>
                    <Table.Th>{t('help.staff.count')}</Table.Th>
                    <Table.Th>{t('help.staff.lastAt')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(insights?.zeroResultSearches ?? []).map((z) => (
                    <Table.Tr key={`${z.query}/${z.language ?? ''}`}>
                      <Table.Td>{z.query}</Table.Td>
                      <Table.Td>{z.language ?? t('common.none')}</Table.Td>
                      <Table.Td>{z.count}</Table.Td>
                      <Table.Td>{date(z.lastAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="xs" component="section" aria-labelledby="help-votes">
            <Title order={3} id="help-votes" mb={4}>
              {t('help.staff.votesTitle')}
            </Title>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('help.staff.columns.title')}</Table.Th>
                  <Table.Th>{t('help.staff.helpful')}</Table.Th>
                  <Table.Th>{t('help.staff.notHelpful')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {insights?.votes.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={3}>{t('common.none')}</Table.Td>
                  </Table.Tr>
                )}
                {(insights?.votes ?? []).map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/articles/${v.id}`} size="sm">
                        {v.title}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{v.helpful}</Table.Td>
                    <Table.Td>{v.notHelpful}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
