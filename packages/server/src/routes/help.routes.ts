import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rateLimitKeyOf } from '../auth/client-address.ts';
import { errorResponses } from '../errors.ts';
import { HELP_LANGUAGES } from '../help/help-core.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant, text } from '../http/schemas.ts';
import type { Services } from '../services.ts';

const language = z.enum(HELP_LANGUAGES);
const articleState = z.enum(['draft', 'published']);
const votesSchema = z.object({ helpful: z.number().int(), notHelpful: z.number().int() });

const articleSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    language,
    title: z.string(),
    body: z.string(),
    html: z.string(),
    category: z.string(),
    tags: z.array(z.string()),
    state: articleState,
    translationOf: z.string().nullable(),
    authorId: z.string().nullable(),
    version: z.number().int(),
    createdAt: instant,
    updatedAt: instant,
    publishedAt: instant.nullable(),
    votes: votesSchema,
  })
  .meta({ id: 'HelpArticle' });

const articleDetailSchema = articleSchema
  .extend({
    versions: z.array(
      z.object({
        version: z.number().int(),
        title: z.string(),
        body: z.string(),
        state: articleState,
        authorId: z.string().nullable(),
        authorName: z.string().nullable(),
        createdAt: instant,
      }),
    ),
  })
  .meta({ id: 'HelpArticleDetail' });

const searchHitSchema = z
  .object({
    slug: z.string(),
    title: z.string(),
    language,
    category: z.string(),
    snippet: z.string(),
    snippetHtml: z.string().meta({ description: 'HTML-escaped snippet, matched words in <mark>' }),
  })
  .meta({ id: 'HelpSearchHit' });

const publicArticleSchema = z
  .object({
    slug: z.string(),
    title: z.string(),
    language,
    category: z.string(),
    tags: z.array(z.string()),
    body: z.string().meta({ description: 'Markdown source' }),
    html: z
      .string()
      .meta({ description: 'Rendered and sanitised: no script, event handler or javascript: link' }),
    updatedAt: instant,
    translations: z.array(z.object({ language, slug: z.string(), title: z.string() })),
  })
  .meta({ id: 'PublicHelpArticle' });

const articleFields = {
  title: text().trim().min(1).max(200),
  body: text().max(100_000),
  language,
  category: text().trim().min(1).max(100),
  tags: z.array(text().trim().min(1).max(50)).max(30).optional(),
  state: articleState,
  translationOf: z.uuid().nullable().optional(),
};

const workspaceParams = z.strictObject({ workspace: z.string().min(1).max(100) });
const slugParams = workspaceParams.extend({ slug: z.string().min(1).max(200) });

export function helpRoutes({ help }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/articles',
      {
        schema: {
          tags: ['help'],
          summary: 'Write a help centre article (staff)',
          body: z.strictObject(articleFields),
          response: { 201: articleDetailSchema, ...errorResponses(403) },
        },
      },
      async (request, reply) => reply.code(201).send(await help.create(actorOf(request), request.body)),
    );

    app.get(
      '/articles',
      {
        schema: {
          tags: ['help'],
          summary: 'All articles of the workspace, drafts included, with their votes (staff)',
          querystring: z.strictObject({ state: articleState.optional(), language: language.optional() }),
          response: { 200: z.object({ items: z.array(articleSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => ({ items: await help.list(actorOf(request), request.query) }),
    );

    app.post(
      '/articles/preview',
      {
        schema: {
          tags: ['help'],
          summary: 'Render Markdown as readers will see it, sanitised, without saving (staff)',
          body: z.strictObject({ body: articleFields.body }),
          response: { 200: z.object({ html: z.string() }), ...errorResponses(403) },
        },
      },
      async (request) => help.preview(actorOf(request), request.body.body),
    );

    app.get(
      '/articles/insights',
      {
        schema: {
          tags: ['help'],
          summary: 'Searches that found nothing and the votes articles received (staff)',
          response: {
            200: z.object({
              zeroResultSearches: z.array(
                z.object({
                  query: z.string(),
                  language: language.nullable(),
                  count: z.number().int(),
                  firstAt: instant,
                  lastAt: instant,
                }),
              ),
              votes: z.array(
                z.object({
                  id: z.string(),
                  slug: z.string(),
                  title: z.string(),
                  helpful: z.number().int(),
                  notHelpful: z.number().int(),
                }),
              ),
            }),
            ...errorResponses(403),
          },
        },
      },
      async (request) => help.insights(actorOf(request)),
    );

    app.get(
      '/articles/:id',
      {
        schema: {
          tags: ['help'],
          summary: 'An article with its version history (staff)',
          params: idParams,
          response: { 200: articleDetailSchema, ...errorResponses(403, 404) },
        },
      },
      async (request) => help.get(actorOf(request), request.params.id),
    );

    app.patch(
      '/articles/:id',
      {
        schema: {
          tags: ['help'],
          summary: 'Edit an article: a new version (staff); send `version` to refuse a concurrent edit',
          params: idParams,
          body: z.strictObject({
            ...z.object(articleFields).partial().shape,
            version: z.number().int().min(1).optional(),
          }),
          response: { 200: articleDetailSchema, ...errorResponses(403, 404, 409) },
        },
      },
      async (request) => help.update(actorOf(request), request.params.id, request.body),
    );

    app.delete(
      '/articles/:id',
      {
        schema: {
          tags: ['help'],
          summary: 'Delete an article and its history (staff)',
          params: idParams,
          response: { 204: z.null(), ...errorResponses(403, 404) },
        },
      },
      async (request, reply) => {
        await help.remove(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/help/:workspace/articles',
      {
        config: { public: true },
        schema: {
          tags: ['help'],
          summary: 'Public: search the published articles (ranked), or list them without `q`',
          security: [],
          params: workspaceParams,
          querystring: z.strictObject({
            q: text().max(300).optional(),
            lang: language.optional(),
            limit: z.coerce.number().int().min(1).max(50).default(10),
          }),
          response: { 200: z.object({ items: z.array(searchHitSchema) }), ...errorResponses(404) },
        },
      },
      async (request) => ({
        items: await help.publicSearch(request.params.workspace, request.query),
      }),
    );

    app.get(
      '/help/:workspace/articles/:slug',
      {
        config: { public: true },
        schema: {
          tags: ['help'],
          summary: 'Public: one published article, Markdown and sanitised HTML',
          security: [],
          params: slugParams,
          response: { 200: publicArticleSchema, ...errorResponses(404) },
        },
      },
      async (request) => help.publicArticle(request.params.workspace, request.params.slug),
    );

    app.post(
      '/help/:workspace/articles/:slug/votes',
      {
        config: { public: true },
        schema: {
          tags: ['help'],
          summary: 'Public: "was this helpful?" (one vote per visitor and article; a new vote replaces it)',
          security: [],
          params: slugParams,
          body: z.strictObject({ helpful: z.boolean() }),
          response: { 200: votesSchema, ...errorResponses(404) },
        },
      },
      async (request) =>
        help.vote(request.params.workspace, request.params.slug, {
          helpful: request.body.helpful,
          visitor: rateLimitKeyOf(request.ip),
        }),
    );
  };
}
