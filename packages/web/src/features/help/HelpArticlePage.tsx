import { Alert, Anchor, Button, Group, Loader, Paper, Stack, Text, Title, Typography } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ApiError, call } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSession } from '../../session.tsx';
import { PublicLayout } from './PublicLayout.tsx';
import './help.css';

type Article = components['schemas']['PublicHelpArticle'];
const LANGUAGE_NAMES = { fr: 'Français', en: 'English', ar: 'العربية' } as const;

/** `/help/:workspace/:slug`: one published article (the server's sanitised HTML) and "was this helpful?". */
export function HelpArticlePage() {
  const { t } = useTranslation();
  const { workspace = '', slug = '' } = useParams();
  const { locale, timeZone } = useSession();
  const [article, setArticle] = useState<Article | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [voted, setVoted] = useState(false);

  useEffect(() => {
    setArticle(null);
    setError(null);
    setVoted(false);
    call(api.GET('/api/v1/help/{workspace}/articles/{slug}', { params: { path: { workspace, slug } } }))
      .then(setArticle)
      .catch(setError);
  }, [workspace, slug]);

  async function vote(helpful: boolean) {
    try {
      await call(
        api.POST('/api/v1/help/{workspace}/articles/{slug}/votes', {
          params: { path: { workspace, slug } },
          body: { helpful },
        }),
      );
      setVoted(true);
    } catch (e) {
      setError(e);
    }
  }

  const missing = error instanceof ApiError && error.status === 404;
  return (
    <PublicLayout workspace={workspace}>
      <Stack gap="sm">
        <Anchor component={Link} to={`/help/${workspace}`} size="sm">
          {t('help.centre.back')}
        </Anchor>
        {missing ? (
          <Alert color="gray" role="status">
            {t('help.centre.articleNotFound')}
          </Alert>
        ) : (
          <ErrorAlert error={error} />
        )}
        {article === null && error === null && <Loader size="sm" aria-label={t('common.loading')} />}
        {article !== null && (
          <Paper
            withBorder
            p="lg"
            component="article"
            lang={article.language}
            dir={article.language === 'ar' ? 'rtl' : 'ltr'}
          >
            <Stack gap="sm">
              <div>
                <Text size="xs" c="dimmed">
                  {article.category}
                </Text>
                <Title order={1}>{article.title}</Title>
                <Text size="xs" c="dimmed">
                  {t('help.centre.updated', {
                    date: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(
                      new Date(article.updatedAt),
                    ),
                  })}
                </Text>
              </div>
              {article.translations.length > 0 && (
                <Group gap="xs">
                  <Text size="xs" c="dimmed">
                    {t('help.centre.translations')}
                  </Text>
                  {article.translations.map((tr) => (
                    <Anchor
                      key={tr.slug}
                      component={Link}
                      to={`/help/${workspace}/${tr.slug}`}
                      size="xs"
                      lang={tr.language}
                    >
                      {LANGUAGE_NAMES[tr.language]}
                    </Anchor>
                  ))}
                </Group>
              )}
              {/* Rendered and sanitised by the server (no script, no event handler, no javascript: link). */}
              <Typography className="help-article">
                <div data-testid="help-article-body" dangerouslySetInnerHTML={{ __html: article.html }} />
              </Typography>
            </Stack>
          </Paper>
        )}
        {article !== null && (
          <Paper withBorder p="sm">
            {voted ? (
              <Text size="sm" role="status">
                {t('help.centre.thanks')}
              </Text>
            ) : (
              <Group gap="sm">
                <Text size="sm" id="help-vote-label">
                  {t('help.centre.helpful')}
                </Text>
                <Group gap="xs" role="group" aria-labelledby="help-vote-label">
                  <Button variant="default" onClick={() => void vote(true)}>
                    {t('help.centre.yes')}
                  </Button>
                  <Button variant="default" onClick={() => void vote(false)}>
                    {t('help.centre.no')}
                  </Button>
                </Group>
              </Group>
            )}
          </Paper>
        )}
      </Stack>
    </PublicLayout>
  );
}
