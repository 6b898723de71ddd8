export { type EidCheckConfig, eidCheck, eidCheckConfigSchema } from './check.ts';
