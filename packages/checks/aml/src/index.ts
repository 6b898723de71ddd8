export { type AmlCheckConfig, type AmlCheckOptions, amlConfigSchema, createAmlCheck } from './aml-check.ts';
