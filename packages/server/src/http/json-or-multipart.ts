import type { z } from 'zod';

/**
 * Route validator for endpoints that take either JSON or `multipart/form-data`: multipart bodies are
 * parsed in the handler, so only JSON bodies go through the zod schema.
 */
export function jsonOrMultipartValidator({ schema }: { schema: unknown }) {
  const zod = schema as z.ZodType;
  return (data: unknown) => {
    if (data === undefined || data === null) return { value: data };
    const parsed = zod.safeParse(data);
    return parsed.success ? { value: parsed.data } : { error: parsed.error as unknown as Error };
  };
}
