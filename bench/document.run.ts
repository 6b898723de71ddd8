// Runs the document benchmark alone until the shared bench/run.ts collects every section.
import bench from './document.bench.ts';

const dataDir = process.argv[2] ?? new URL('../../shared/data', import.meta.url).pathname;
process.stdout.write(await bench.run({ dataDir }));
