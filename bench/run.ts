/**
 * `npm run bench [-- name…]`: runs the benchmarks in bench/*.bench.ts (all, or those named), prints each
 * section and writes them into docs/benchmarks.md, keeping the sections of benchmarks that were not run.
 * Shared evaluation data is read from OPENIDV_BENCH_DATA (default ../shared/data beside the checkout).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Benchmark {
  name: string;
  run(options: { dataDir: string }): Promise<string>;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = join(root, 'docs', 'benchmarks.md');
const dataDir = resolve(process.env.OPENIDV_BENCH_DATA ?? join(root, '..', 'shared', 'data'));
const wanted = process.argv.slice(2);

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const sections = new Map<string, string>();
if (existsSync(out)) {
  for (const part of readFileSync(out, 'utf8')
    .split(/^<!-- bench:/m)
    .slice(1)) {
    const name = part.slice(0, part.indexOf(' -->'));
    sections.set(name, `<!-- bench:${part}`.trimEnd());
  }
}
for (const file of files) {
  const bench = (await import(join(here, file))).default as Benchmark;
  if (wanted.length && !wanted.includes(bench.name)) continue;
  console.error(`\n== ${bench.name} ==`);
  const started = Date.now();
  const md = await bench.run({ dataDir });
  console.log(md);
  console.error(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  sections.set(bench.name, `<!-- bench:${bench.name} -->\n${md.trim()}`);
}
const header = `# Benchmarks

Measured on the project's standard machine (2 cores, 24 GiB), load generator included. Reproduce all with
\`npm run bench\`, or one section with \`npm run bench -- <name>\`; each section names its command and data.
`;
writeFileSync(out, `${header}\n${[...sections.values()].join('\n\n')}\n`);
console.error(`\nwrote ${out}`);
