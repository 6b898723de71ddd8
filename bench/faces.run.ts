// Runs the faces benchmark alone until bench/run.ts collects every section: node bench/faces.run.ts [dataDir]
import bench from './faces.bench.ts';

const dataDir = process.argv[2] ?? new URL('../../shared/data', import.meta.url).pathname;
process.stdout.write(`${await bench.run({ dataDir })}\n`);
