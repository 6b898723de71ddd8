export { toCountryCode } from './countries.ts';
export { parseDate, parseDates } from './dates.ts';
export { entityFingerprint } from './fingerprint.ts';
export {
  type ByteSource,
  LIST_FORMATS,
  type ListInput,
  type ParseOptions,
  parseList,
} from './importers/index.ts';
export {
  DEFAULT_THRESHOLD,
  DEFAULT_WEIGHTS,
  type FeatureExplanation,
  type FeatureName,
  type ScoringWeights,
  type ScreeningHit,
  type ScreeningOptions,
  type ScreeningQuery,
  screen,
  tokenSimilarity,
} from './match.ts';
export type {
  EntityIdentifier,
  EntityName,
  EntitySchema,
  EntityTopic,
  ImportError,
  ImportErrorCode,
  ListFormat,
  ListMeta,
  NameStrength,
  ParsedList,
  Result,
  ScreeningEntity,
} from './model.ts';
export { type NameForm, nameForms, normalizeName } from './normalize.ts';
export { buildIndex, type ScreeningIndex } from './search-index.ts';
export {
  DEFAULT_SNAPSHOT_PATH,
  decodeSnapshot,
  encodeSnapshot,
  loadDefaultIndex,
  loadSnapshot,
  type Snapshot,
} from './snapshot.ts';
