export {
  type AmlCheckConfig,
  type AmlCheckOptions,
  amlConfigSchema,
  createAmlCheck,
  hitFingerprint,
} from './aml-check.ts';
