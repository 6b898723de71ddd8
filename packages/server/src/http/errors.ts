import { DomainError, ERROR_CODES, type ErrorCode, isDomainError } from '@openidv/domain';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z
        .enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]])
        .describe('Stable, machine-readable code.'),
      message: z.string().describe('What went wrong and what to do, for a person.'),
      requestId: z.string().describe('Quote it when asking for help; it is in the server log.'),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

export function sendError(reply: FastifyReply, request: FastifyRequest, e: DomainError): FastifyReply {
  return reply
    .code(e.status)
    .type('application/json; charset=utf-8')
    .send({
      error: {
        code: e.code,
        message: e.message,
        requestId: request.id,
        ...(e.details && { details: e.details }),
      },
    });
}

/** Turns anything thrown into the one error body; unknown errors become INTERNAL without leaking internals. */
export function toDomainError(err: FastifyError | Error): DomainError {
  if (isDomainError(err)) return err;
  const e = err as FastifyError & { validation?: { instancePath?: string; message?: string }[] };
  if (hasZodFastifySchemaValidationErrors(e)) {
    const issues = (e.validation ?? []).map((v) => {
      const where = [e.validationContext, ...(v.instancePath ?? '').split('/')].filter(Boolean).join('.');
      return `${where || 'request'}: ${v.message}`;
    });
    return new DomainError('VALIDATION_FAILED', issues.join('; ') || 'The request is invalid.', { issues });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DomainError('BAD_REQUEST', 'The body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return new DomainError('PAYLOAD_TOO_LARGE', 'The body or file is larger than this server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DomainError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Send JSON (application/json) or, for media, multipart/form-data.',
      );
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new DomainError(
        'BAD_REQUEST',
        'The multipart body has more files or fields than this endpoint takes.',
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DomainError('BAD_REQUEST', 'Content-Length does not match the body.');
  }
  if (e instanceof SyntaxError) return new DomainError('BAD_REQUEST', 'The body is not valid JSON.');
  if (e.statusCode === 413)
    return new DomainError('PAYLOAD_TOO_LARGE', 'The body is larger than this server accepts.');
  if (e.statusCode === 415)
    return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'This content type is not accepted.');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return new DomainError('BAD_REQUEST', e.message);
  return new DomainError('INTERNAL', 'An unexpected error occurred; it was logged with the request id.');
}

/** OpenAPI responses for the error statuses a route can answer. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      errorBodySchema.describe(
        Object.entries(ERROR_CODES)
          .filter(([, v]) => v.status === s)
          .map(([k, v]) => `\`${k}\`: ${v.description}`)
          .join(' '),
      ),
    ]),
  );
}

export const COMMON_ERRORS = [400, 401, 429] as const;
