import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeConfig } from '../../src/config/config.ts';

describe('docs/configuration.md', () => {
  it('lists exactly the settings the server reads (regenerate with `npx openidv config`)', () => {
    const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
    expect(doc).toContain(describeConfig());
  });
});
