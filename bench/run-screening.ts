/** Runs the screening benchmark alone until the shared bench/run.ts exists: node bench/run-screening.ts [dataDir] */
import bench from './screening.bench.ts';

console.log(await bench.run({ dataDir: process.argv[2] ?? '/work/shared/data' }));
