export {
  createPhoneRiskCheck,
  type PhoneRiskConfig,
  phoneRiskCheck,
  phoneRiskConfigSchema,
} from './phone-risk-check.ts';
