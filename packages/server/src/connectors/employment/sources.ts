import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/config.ts';
import type { EmploymentConnector } from './connector.ts';
import { OAuthEmploymentConnector } from './oauth-connector.ts';
import { sourcesFileSchema } from './source-config.ts';

/** The data sources configured for employment sessions, by id; empty without a sources file. */
export function loadEmploymentSources(file: string | undefined): Map<string, EmploymentConnector> {
  const out = new Map<string, EmploymentConnector>();
  if (!file) return out;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(
      `OPENIDV_EMPLOYMENT_SOURCES_FILE: cannot read ${file} as JSON (${(e as Error).message}).`,
    );
  }
  const parsed = sourcesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`OPENIDV_EMPLOYMENT_SOURCES_FILE: invalid sources:\n${lines.join('\n')}`);
  }
  for (const source of parsed.data.sources) {
    if (out.has(source.id))
      throw new ConfigError(`OPENIDV_EMPLOYMENT_SOURCES_FILE: source "${source.id}" appears twice.`);
    out.set(source.id, new OAuthEmploymentConnector(source));
  }
  return out;
}
