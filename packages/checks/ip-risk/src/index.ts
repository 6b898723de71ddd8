export {
  countIpData,
  type DataSource,
  IMPORT_FILES,
  type IpFacts,
  type IpImportKind,
  IpIntelligence,
  ipIntelligence,
  parseIpList,
  parseRangeList,
} from './ip-data.ts';
export {
  createIpRiskCheck,
  type IpRiskConfig,
  type IpRiskOptions,
  ipRiskCheck,
  ipRiskConfigSchema,
} from './ip-risk-check.ts';
export { HOSTING_NETWORKS, type NetworkInfo, VPN_NETWORKS } from './networks.ts';
