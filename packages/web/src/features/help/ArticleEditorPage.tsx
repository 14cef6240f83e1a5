import {
  Accordion,
  Anchor,
  Autocomplete,
  Button,
  Grid,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Tabs,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
  Typography,
} from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, call } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSession } from '../../session.tsx';
import { LANGUAGE_OPTIONS } from './ArticlesPage.tsx';
import './help.css';

type Detail = components['schemas']['HelpArticleDetail'];
type Article = components['schemas']['HelpArticle'];
type Language = Article['language'];
type State = Article['state'];

interface Draft {
  title: string;
  body: string;
  language: Language;
  category: string;
  tags: string[];
  state: State;
  translationOf: string | null;
}
const EMPTY: Draft = {
  title: '',
  body: '',
  language: 'fr',
  category: '',
  tags: [],
  state: 'draft',
  translationOf: null,
};

/** `/articles/new` and `/articles/:id` (staff): Markdown with the server's preview, metadata, version history. */
export function ArticleEditorPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const navigate = useNavigate();
  const { workspace, locale, timeZone, language: uiLanguage } = useSession();
  const [draft, setDraft] = useState<Draft>({ ...EMPTY, language: uiLanguage });
  const [article, setArticle] = useState<Detail | null>(null);
  const [others, setOthers] = useState<Article[]>([]);
  const [tab, setTab] = useState<string | null>('write');
  const [previewHtml, setPreviewHtml] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const loadedId = useRef<string | null>(null);

  useEffect(() => {
    call(api.GET('/api/v1/articles', { params: { query: {} } }))
      .then((d) => setOthers(d.items))
      .catch(setError);
  }, []);
  useEffect(() => {
    // `saved` is kept: a new article's first save lands here, on its own address, already loaded.
    if (id === undefined) {
      loadedId.current = null;
      setArticle(null);
      return;
    }
    if (loadedId.current === id) return;
    loadedId.current = id;
    call(api.GET('/api/v1/articles/{id}', { params: { path: { id } } }))
      .then(load)
      .catch(setError);
  }, [id]);
  useEffect(() => {
    if (tab !== 'preview') return;
    call(api.POST('/api/v1/articles/preview', { body: { body: draft.body } }))
      .then((p) => setPreviewHtml(p.html))
      .catch(setError);
  }, [tab, draft.body]);

  function load(detail: Detail) {
    setArticle(detail);
    setDraft({
      title: detail.title,
      body: detail.body,
      language: detail.language,
      category: detail.category,
      tags: detail.tags,
      state: detail.state,
      translationOf: detail.translationOf,
    });
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      if (article === null) {
        const created = await call(api.POST('/api/v1/articles', { body: draft }));
        // Shown at once, so a quick second save is an edit of this article, never a second one.
        loadedId.current = created.id;
        load(created);
        setSaved(created.version);
        await navigate(`/articles/${created.id}`, { replace: true });
      } else {
        const updated = await call(
          api.PATCH('/api/v1/articles/{id}', {
            params: { path: { id: article.id } },
            body: { ...draft, version: article.version },
          }),
        );
        load(updated);
        setSaved(updated.version);
      }
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === 'VERSION_CONFLICT' ? new Error(t('help.editor.conflict')) : e,
      );
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (article === null) return;
    try {
      await call(api.DELETE('/api/v1/articles/{id}', { params: { path: { id: article.id } } }));
      await navigate('/articles');
    } catch (e) {
      setError(e);
    }
  }

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const date = (iso: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
      new Date(iso),
    );
  const categories = [...new Set(others.map((a) => a.category))];
  const dir = draft.language === 'ar' ? 'rtl' : 'ltr';

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1}>{article === null ? t('help.editor.newTitle') : t('help.editor.editTitle')}</Title>
        {article !== null && article.state === 'published' && workspace !== null && (
          <Anchor component={Link} to={`/help/${workspace}/${article.slug}`} size="sm">
            {t('help.editor.view')}
          </Anchor>
        )}
      </Group>
      <form onSubmit={(e) => void save(e)} noValidate>
        <Grid gutter="sm">
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Stack gap="sm">
              <TextInput
                label={t('help.editor.title')}
                required
                maxLength={200}
                dir={dir}
                value={draft.title}
                onChange={(e) => set('title', e.currentTarget.value)}
              />
              <Tabs value={tab} onChange={setTab}>
                <Tabs.List>
                  <Tabs.Tab value="write">{t('help.editor.write')}</Tabs.Tab>
                  <Tabs.Tab value="preview">{t('help.editor.preview')}</Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="write" pt="xs">
                  <Textarea
                    label={t('help.editor.body')}
                    autosize
                    minRows={14}
                    maxRows={30}
                    dir={dir}
                    styles={{ input: { fontFamily: 'ui-monospace, monospace' } }}
                    value={draft.body}
                    onChange={(e) => set('body', e.currentTarget.value)}
                  />
                </Tabs.Panel>
                <Tabs.Panel value="preview" pt="xs">
                  <Paper withBorder p="md" lang={draft.language} dir={dir}>
                    <Typography className="help-article">
                      {/* The server's renderer and sanitiser: exactly what readers will get. */}
                      <div data-testid="article-preview" dangerouslySetInnerHTML={{ __html: previewHtml }} />
                    </Typography>
                  </Paper>
                </Tabs.Panel>
              </Tabs>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Paper withBorder p="sm">
              <Stack gap="sm">
                <Select
                  label={t('help.editor.language')}
                  data={LANGUAGE_OPTIONS}
                  value={draft.language}
                  allowDeselect={false}
                  onChange={(v) => v !== null && set('language', v as Language)}
                />
                <Autocomplete
                  label={t('help.editor.category')}
                  required
                  size="xs"
                  maxLength={100}
                  data={categories}
                  value={draft.category}
                  onChange={(v) => set('category', v)}
                />
                <TagsInput
                  label={t('help.editor.tags')}
                  description={t('help.editor.tagsHint')}
                  size="xs"
                  value={draft.tags}
                  onChange={(v) => set('tags', v)}
                  maxTags={30}
                />
                <div>
                  <Text size="xs" fw={500} id="article-state" mb={2}>
                    {t('help.editor.state')}
                  </Text>
                  <SegmentedControl
                    size="xs"
                    fullWidth
                    aria-labelledby="article-state"
                    value={draft.state}
                    onChange={(v) => set('state', v as State)}
                    data={[
                      { value: 'draft', label: t('help.staff.state.draft') },
                      { value: 'published', label: t('help.staff.state.published') },
                    ]}
                  />
                </div>
                <Select
                  label={t('help.editor.translationOf')}
                  placeholder={t('help.editor.none')}
                  clearable
                  searchable
                  value={draft.translationOf}
                  onChange={(v) => set('translationOf', v)}
                  data={others
                    .filter((a) => a.id !== article?.id && a.translationOf === null)
                    .map((a) => ({ value: a.id, label: `${a.title} (${a.language})` }))}
                />
                <ErrorAlert error={error} />
                {saved !== null && (
                  <Text size="xs" role="status" c="#1e6b34">
                    {t('help.editor.saved', { version: saved })}
                  </Text>
                )}
                <Group justify="space-between">
                  <Button type="submit" loading={busy}>
                    {t('help.editor.save')}
                  </Button>
                  {article !== null &&
                    (confirming ? (
                      <Button color="red" variant="filled" onClick={() => void remove()}>
                        {t('help.editor.confirmDelete')}
                      </Button>
                    ) : (
                      <Button color="red" variant="subtle" onClick={() => setConfirming(true)}>
                        {t('help.editor.delete')}
                      </Button>
                    ))}
                </Group>
              </Stack>
            </Paper>
            {article !== null && (
              <Paper withBorder p="sm" mt="sm" component="section" aria-labelledby="article-history">
                <Title order={2} size="h3" id="article-history" mb={4}>
                  {t('help.editor.history')}
                </Title>
                <Accordion variant="default" chevronPosition="right">
                  {article.versions.map((v) => (
                    <Accordion.Item key={v.version} value={String(v.version)}>
                      <Accordion.Control>
                        <Text size="xs" fw={600}>
                          {t('help.editor.version', { version: v.version })} ·{' '}
                          {t(`help.staff.state.${v.state}`)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {date(v.createdAt)} ·{' '}
                          {t('help.editor.by', { name: v.authorName ?? t('help.editor.unknownAuthor') })}
                        </Text>
                      </Accordion.Control>
                      <Accordion.Panel>
                        <Text size="xs" fw={600}>
                          {v.title}
                        </Text>
                        <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap' }} lineClamp={12}>
                          {v.body}
                        </Text>
                      </Accordion.Panel>
                    </Accordion.Item>
                  ))}
                </Accordion>
              </Paper>
            )}
          </Grid.Col>
        </Grid>
      </form>
    </Stack>
  );
}
