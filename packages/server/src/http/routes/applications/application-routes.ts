import { DomainError } from '@openidv/domain';
import { applications } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import {
  applicationInput,
  presentApplication,
  updateApplication,
} from '../../../usecases/applications/branding.ts';
import { requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';

const tags = ['Application'];

export const applicationSchema = z
  .object({
    id: z.string(),
    name: z.string().describe('Shown to applicants on the consent screen.'),
    branding: z.object({
      logo: z.string().nullable().describe('data: URL of the logo shown at the top of the journey.'),
      primaryColor: z.string().nullable().describe('#rrggbb colour of buttons and highlights.'),
      termsUrl: z.string().nullable().describe('Terms linked from the consent screen.'),
      privacyUrl: z.string().nullable().describe('Privacy notice linked from the consent screen.'),
    }),
    createdAt: z.string(),
  })
  .meta({ id: 'Application' });

/** The application of the calling API key: its name and the branding of its applicant journey. */
export function applicationRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Branding is configuration: like keys and webhooks, only admins (and API keys) read or change it.
  r.get(
    '/application',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "Get this key's application",
        response: { 200: applicationSchema, ...errorResponses(401, 403, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const a = await applications.findApplication(platform.database.db, auth.applicationId);
      if (!a) throw new DomainError('NOT_FOUND', 'No such application.');
      return presentApplication(a);
    },
  );
  r.patch(
    '/application',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "Change the application's name and journey branding",
        description:
          'Fields left out keep their value; `null` clears a branding field. The journey shows the name, logo and colour, and links the terms and privacy notice on its consent screen.',
        body: applicationInput,
        response: { 200: applicationSchema, ...errorResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      return updateApplication(platform, auth.applicationId, request.body);
    },
  );
}
