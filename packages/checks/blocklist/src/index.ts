export {
  type BlocklistConfig,
  blocklistCheck,
  blocklistConfigSchema,
  createBlocklistCheck,
} from './blocklist-check.ts';
