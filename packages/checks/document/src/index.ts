export { type DocumentCheckConfig, documentCheck, documentCheckConfigSchema } from './check.ts';
export { mrzSpellings, nameScore } from './names.ts';
