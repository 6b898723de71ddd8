export {
  DISPOSABLE_FILE,
  disposableDomains,
  normaliseDomainList,
  parseDomainList,
} from './disposable.ts';
export {
  createEmailRiskCheck,
  type EmailRiskConfig,
  type EmailRiskOptions,
  emailRiskCheck,
  emailRiskConfigSchema,
  parseEmail,
} from './email-risk-check.ts';
