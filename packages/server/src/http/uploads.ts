import { DomainError } from '@openidv/domain';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

/** Base64 content as JSON APIs send it; a `data:` URL prefix is accepted. */
export const base64Content = z
  .string()
  .min(1)
  .describe('The file, base64-encoded (a `data:` URL prefix is accepted).');

export function decodeBase64(field: string, value: string): Buffer {
  const b64 = value.replace(/^data:[^,]*,/, '');
  if (!/^[A-Za-z0-9+/=_\-\s]+$/.test(b64))
    throw new DomainError('VALIDATION_FAILED', `${field}: must be base64.`);
  return Buffer.from(b64, 'base64');
}

/**
 * Reads the named file fields and plain fields of a multipart request, or the same names from a JSON body
 * (files as base64). Unknown file fields are refused so a typo does not pass silently.
 */
export async function readUploads(
  request: FastifyRequest,
  fileFields: string[],
): Promise<{ files: Record<string, Buffer>; fields: Record<string, string> }> {
  const files: Record<string, Buffer> = {};
  const fields: Record<string, string> = {};
  if (request.isMultipart()) {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (!fileFields.includes(part.fieldname)) {
          throw new DomainError(
            'VALIDATION_FAILED',
            `Unexpected file field "${part.fieldname}"; expected ${fileFields.join(', ')}.`,
          );
        }
        if (files[part.fieldname])
          throw new DomainError('VALIDATION_FAILED', `The file field "${part.fieldname}" was sent twice.`);
        files[part.fieldname] = await part.toBuffer();
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
    return { files, fields };
  }
  const body = (request.body ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(body)) {
    if (typeof v !== 'string') continue;
    if (fileFields.includes(k)) files[k] = decodeBase64(k, v);
    else fields[k] = v;
  }
  return { files, fields };
}

/** A route validator that checks JSON bodies with the schema and lets multipart bodies through to the handler. */
export function jsonOrMultipartValidator({ schema }: { schema: unknown }) {
  const zod = schema as z.ZodType;
  return (data: unknown) => {
    if (data === undefined || data === null) return { value: data };
    const parsed = zod.safeParse(data);
    return parsed.success ? { value: parsed.data } : { error: parsed.error as unknown as Error };
  };
}
