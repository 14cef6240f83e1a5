import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Availability } from '../availability/availability.module.ts';
import { REPORT_LANGUAGES } from '../availability/report-pdf.ts';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { uuid } from '../http/schemas.ts';

export function reportRoutes({ reports }: Availability): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/reports/sla',
      {
        schema: {
          tags: ['availability'],
          summary:
            "An organization's monthly SLA report: availability against the target, incidents, tickets and their clocks, breaches, maintenance, exclusions (JSON, CSV, or a PDF with charts in English, French or Arabic)",
          querystring: z.strictObject({
            organizationId: uuid,
            month: z.string().regex(/^\d{4}-\d{2}$/, 'expected YYYY-MM'),
            format: z.enum(['json', 'csv', 'pdf']).default('json'),
            lang: z.enum(REPORT_LANGUAGES).default('en').meta({ description: 'language of the PDF' }),
          }),
          response: {
            200: z.union([
              z.record(z.string(), z.unknown()),
              z.string().describe('text/csv or application/pdf'),
            ]),
            ...errorResponses(404),
          },
        },
      },
      async (request, reply) => {
        const { organizationId, month, format, lang } = request.query;
        const report = await reports.build(actorOf(request), organizationId, month);
        if (format === 'json') return report;
        if (format === 'pdf')
          return (
            reply
              .header('content-type', 'application/pdf')
              .header('content-disposition', `attachment; filename="sla-${month}.pdf"`)
              // A Buffer goes out as is (Fastify serializes only objects); the cast only quiets the schema's type.
              .send((await reports.toPdf(report, lang)) as unknown as string)
          );
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="sla-${month}.csv"`)
          .serializer((p: unknown) => p as string)
          .send(reports.toCsv(report));
      },
    );
  };
}
