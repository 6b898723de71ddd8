import { DomainError } from '@openidv/domain';
import { applications } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import {
  completeConnection,
  employmentJourneyState,
  startConnection,
} from '../../../usecases/employment/connect-source.ts';
import { APPLICANT, findJourneySession, requireCapturePhase } from '../../../usecases/journey/journey.ts';
import { addMedia } from '../../../usecases/sessions/add-media.ts';
import { errorResponses } from '../../errors.ts';
import { employmentJourneySchema } from './employment-schemas.ts';

const tags = ['Applicant journey (browser)'];
const tokenParams = z.object({ token: z.string().min(1).max(64).describe("The session's journey token.") });

/** The candidate's side of an employment session: sources to connect, the source's return, documents. */
export function employmentJourneyRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags, security: [] as never[] };

  r.get(
    '/j/:token/api/employment',
    {
      schema: {
        ...common,
        summary: 'The declared jobs and how each can be proven',
        params: tokenParams,
        response: { 200: employmentJourneySchema, ...errorResponses(404, 429) },
      },
    },
    async (request) => {
      const session = await findJourneySession(platform, request.params.token);
      const app = await applications.findApplication(platform.database.db, session.applicationId);
      return employmentJourneyState(platform, session, app?.name ?? '');
    },
  );

  r.post(
    '/j/:token/api/employment/connections',
    {
      schema: {
        ...common,
        summary: 'Connect a data source for a declared job',
        description:
          "After consent. Returns the source's sign-in page; the source sends the candidate back to `/j/employment/callback`, then to their journey.",
        params: tokenParams,
        body: z.object({ sourceId: z.string().max(40), declaredId: z.string().max(64).optional() }).strict(),
        response: {
          201: z.object({ connectionId: z.string(), authorizationUrl: z.string() }),
          ...errorResponses(400, 404, 409, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const session = await requireCapturePhase(platform, request.params.token);
      return reply.code(201).send(await startConnection(platform, session, request.body));
    },
  );

  r.get(
    '/j/employment/callback',
    {
      schema: {
        ...common,
        summary: 'Where data sources send the candidate back (OAuth 2.0 redirect URI)',
        description:
          'Exchanges the code, reads the records, revokes the grant and redirects to the journey. Register this URL with each source.',
        querystring: z.object({
          state: z.string().max(512).optional(),
          code: z.string().max(4096).optional(),
          error: z.string().max(200).optional(),
          error_description: z.string().max(2000).optional(),
          iss: z.string().max(2000).optional(),
        }),
        response: { 303: z.null().describe('To the journey.'), ...errorResponses(400, 404, 429) },
      },
    },
    async (request, reply) => {
      const url = new URL(request.url, platform.config.publicUrl);
      return reply.redirect(await completeConnection(platform, url), 303);
    },
  );

  r.post(
    '/j/:token/api/employment/documents',
    {
      schema: {
        ...common,
        summary: 'Upload a payslip, P60, contract, bank statement or SA302',
        description: 'multipart/form-data with `file`: a PDF, or a photo (JPEG, PNG, WebP, HEIC, AVIF).',
        params: tokenParams,
        consumes: ['multipart/form-data'],
        response: {
          201: z.object({ id: z.string(), mimeType: z.string(), size: z.number() }),
          ...errorResponses(400, 404, 409, 413, 415, 429),
        },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the document as multipart/form-data.');
      }
      const session = await requireCapturePhase(platform, request.params.token);
      if (session.type === 'identity')
        throw new DomainError('NOT_FOUND', 'This verification takes no income documents.');
      let bytes: Buffer | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file' && part.fieldname === 'file') bytes = await part.toBuffer();
      }
      if (!bytes) throw new DomainError('VALIDATION_FAILED', 'file: a file is required.');
      const row = await addMedia(platform, session, { context: 'additional-document', bytes }, APPLICANT);
      return reply.code(201).send({ id: row.id, mimeType: row.mimeType, size: row.size });
    },
  );
}
