import { DomainError } from '@openidv/domain';
import { applications, employment } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import type { EmploymentSettings } from '../../../usecases/employment/declaration.ts';
import type { EmploymentResult } from '../../../usecases/employment/employment-result.ts';
import { presentEmploymentResult } from '../../../usecases/employment/present-result.ts';
import { renderEmploymentReport } from '../../../usecases/employment/report-pdf.ts';
import { findSessionOrThrow } from '../../../usecases/sessions/find-session.ts';
import { requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { idParams } from '../../schemas/resources.ts';
import { employmentResultSchema } from './employment-schemas.ts';

const tags = ['Employment'];

/** The business side of employment and income sessions: the result and its PDF report. */
export function employmentRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const loadResult = async (applicationId: string, id: string) => {
    const session = await findSessionOrThrow(platform, applicationId, id);
    const row = await employment.findVerification<unknown, EmploymentSettings, EmploymentResult>(
      platform.database.db,
      session.id,
    );
    if (!row)
      throw new DomainError('NOT_FOUND', `Session ${id} is not an employment or income verification.`);
    if (!row.result) {
      throw new DomainError(
        'EMPLOYMENT_RESULT_PENDING',
        `The result of session ${id} is ready once it is decided (now "${session.status}").`,
        { status: session.status },
      );
    }
    return { session, settings: row.settings, result: row.result };
  };

  r.get(
    '/sessions/:id/employment',
    {
      schema: {
        tags,
        summary: 'Get the employment or income result',
        description:
          'The timeline of verified employment and income (each item with its evidence and source) and its comparison with the declared history: `verified`, `partly_verified` (with the differences) or `unverified` per declared job, and gaps longer than `maxGapDays`. Also sent as the `employment.completed` webhook.',
        params: idParams,
        response: { 200: employmentResultSchema, ...errorResponses(401, 404, 409, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const { session, result } = await loadResult(auth.applicationId, request.params.id);
      return presentEmploymentResult(session, result, platform.config.publicUrl);
    },
  );

  r.get(
    '/sessions/:id/report.pdf',
    {
      schema: {
        tags,
        summary: 'Download the employment or income report (PDF)',
        params: idParams,
        produces: ['application/pdf'],
        response: {
          200: z.any().describe('The report, application/pdf.'),
          ...errorResponses(401, 404, 409, 429),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { session, settings, result } = await loadResult(auth.applicationId, request.params.id);
      const app = await applications.findApplication(platform.database.db, session.applicationId);
      const pdf = await renderEmploymentReport(session, result, settings.businessName ?? app?.name ?? '');
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${session.id}-report.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );
}
