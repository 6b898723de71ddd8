import { FINAL_STATUSES } from '@openidv/domain';
import { sessions } from '@openidv/storage';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { markStarted } from '../../../usecases/sessions/start-session.ts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The applicant's entry point (`url` of a session). Opening it marks the session started. This page tells the
 * applicant where they stand; the capture journey itself (camera, liveness, questionnaire) is its own module.
 */
export function journeyRoutes(app: FastifyInstance, platform: Platform): void {
  app.get(
    '/j/:token',
    { schema: { hide: true, params: z.object({ token: z.string().max(64) }) } },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const found = await sessions.findSessionByJourneyToken(platform.database.db, token);
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      if (!found || found.deletedAt) {
        return reply
          .code(404)
          .send(page('Link not valid', 'This verification link does not exist or was deleted.'));
      }
      const now = platform.now();
      if (
        found.status === 'expired' ||
        found.status === 'abandoned' ||
        (found.expiresAt <= now && !FINAL_STATUSES.includes(found.status))
      ) {
        return reply.send(page('Link expired', 'This verification link has expired. Ask for a new one.'));
      }
      if (found.status === 'cancelled') {
        return reply.send(
          page(
            'Verification cancelled',
            'This verification was cancelled. Ask for a new link if you need one.',
          ),
        );
      }
      const s = await markStarted(platform, found, 'applicant');
      const done = !['created', 'started', 'resubmission_requested'].includes(s.status);
      return reply.send(
        page(
          done ? 'Verification received' : 'Identity verification',
          done
            ? 'Thank you. Your verification has been received; you can close this page.'
            : 'This verification is in progress. Follow the instructions from the service that sent you here.',
          s.id,
        ),
      );
    },
  );
}

function page(title: string, text: string, reference?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}h1{font-size:1.5rem}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${reference ? `<p><small>Reference: ${escapeHtml(reference)}</small></p>` : ''}</main></body></html>`;
}
