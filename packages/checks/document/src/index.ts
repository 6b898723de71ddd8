export { type DocumentCheckConfig, documentCheck, documentCheckConfigSchema } from './check.ts';
export { mrzSpellings, nameScore } from './names.ts';
export { compareVisualZone, type VizComparison } from './visual-zone.ts';
