import { DomainError } from '@openidv/domain';
import { STAFF_ROLES, staff } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import {
  createStaffInput,
  createStaffUser,
  presentStaff,
  updateStaffInput,
  updateStaffUser,
} from '../../../usecases/staff/manage-staff.ts';
import { actorInfo, requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { idParams } from '../../schemas/resources.ts';

const tags = ['Staff users'];

export const staffUserSchema = z
  .object({
    id: z.string().describe('Prefixed `stf_`.'),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(STAFF_ROLES),
    totpEnabled: z.boolean().describe('Whether sign-in needs an authenticator code.'),
    createdAt: z.string(),
    lastSignInAt: z.string().nullable(),
    disabled: z.boolean(),
  })
  .meta({ id: 'StaffUser' });

/** Console users: compliance staff and engineers. Admins only. */
export function staffRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/staff',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'List console users',
        response: { 200: z.object({ data: z.array(staffUserSchema) }), ...errorResponses(401, 403, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const rows = await staff.listStaffUsers(platform.database.db, auth.applicationId);
      return { data: rows.map(presentStaff) };
    },
  );

  r.post(
    '/staff',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a console user',
        description:
          'Passwords are stored as argon2id hashes. Roles: `admin` (everything), `reviewer` (cases, reviews, queue), `viewer` (read-only). Also: `npx openidv users create --email E --password P --role admin`.',
        body: createStaffInput,
        response: { 201: staffUserSchema, ...errorResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const u = await createStaffUser(platform, auth.applicationId, request.body, actorInfo(request));
      return reply.code(201).send(presentStaff(u));
    },
  );

  r.get(
    '/staff/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Get a console user',
        params: idParams,
        response: { 200: staffUserSchema, ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const u = await staff.findStaffUser(platform.database.db, auth.applicationId, request.params.id);
      if (!u) throw new DomainError('NOT_FOUND', `No staff user ${request.params.id}.`);
      return presentStaff(u);
    },
  );

  r.patch(
    '/staff/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a console user',
        description:
          'Role, name, password, disabling, or removing their second factor. Changing role, password or access ends their sign-ins at once. The last active admin cannot be demoted or disabled (`409 LAST_ADMIN`).',
        params: idParams,
        body: updateStaffInput,
        response: { 200: staffUserSchema, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const u = await updateStaffUser(
        platform,
        auth.applicationId,
        request.params.id,
        request.body,
        actorInfo(request),
      );
      return presentStaff(u);
    },
  );
}
