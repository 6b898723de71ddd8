import type {
  FieldCondition,
  Workflow,
  WorkflowCheck,
  WorkflowDefinition,
  WorkflowRule,
} from '@openidv/domain';
import { coreDocumentType, DiditError, diditDocumentType } from './codes.ts';
import { fromDiditScore, toDiditScore } from './scores.ts';

/**
 * Didit's workflow format (`POST/PATCH /v3/workflows/`) on openidv's workflows. Didit features become openidv
 * checks; Didit's 0–100 scores cross to openidv's scales by scores.ts (the map the decision's scores use too);
 * a decline and a review threshold on one score become the check's threshold with a review action plus a rule
 * that declines below the lower one. What openidv cannot run is refused, never dropped.
 */

/** Rules the dialect made start with this, so an update replaces them and keeps the others. */
const RULE_PREFIX = 'didit_';
/** Checks a Didit feature stands for; an update rebuilds these and keeps the workflow's other checks. */
const FEATURE_CHECKS = ['document', 'liveness', 'active-liveness', 'face-match', 'aml', 'ip-risk'];
/** Didit features that need OCR earlier in the list (Didit's own ordering rule). */
const NEEDS_OCR = ['FACE_MATCH', 'NFC', 'DATABASE_VALIDATION', 'AML'];
const REFUSED: Record<string, string> = {
  NFC: 'openidv does not read NFC chips',
  DATABASE_VALIDATION: 'openidv does not check government databases',
  KYB_REGISTRY: 'openidv does not verify businesses (KYB)',
  KYB_DOCUMENTS: 'openidv does not verify businesses (KYB)',
  KYB_KEY_PEOPLE: 'openidv does not verify businesses (KYB)',
  POA: 'openidv has no proof-of-address check',
  PHONE: 'openidv has no phone verification by code',
  EMAIL: 'openidv has no email verification by code',
};
const KNOWN = ['OCR', 'LIVENESS', 'FACE_MATCH', 'AML', 'IP_ANALYSIS', 'QUESTIONNAIRE'];

const CONFIG_KEYS: Record<string, string[]> = {
  OCR: ['documents_allowed', 'duplicated_user_action', 'status_rules'],
  LIVENESS: [
    'face_liveness_method',
    'face_liveness_score_decline_threshold',
    'face_liveness_score_review_threshold',
    'status_rules',
  ],
  FACE_MATCH: ['face_match_score_decline_threshold', 'face_match_score_review_threshold', 'status_rules'],
  AML: ['aml_match_score_threshold', 'status_rules'],
  IP_ANALYSIS: ['status_rules'],
  QUESTIONNAIRE: ['questionnaire_uuid', 'status_rules'],
};

/** The older flat form's settings, by the feature they configure. */
const FLAT: Record<string, { enabled: string; feature: string; keys: string[] }> = {
  liveness: {
    enabled: 'is_liveness_enabled',
    feature: 'LIVENESS',
    keys: CONFIG_KEYS['LIVENESS']!.slice(0, 3),
  },
  face: {
    enabled: 'is_face_match_enabled',
    feature: 'FACE_MATCH',
    keys: CONFIG_KEYS['FACE_MATCH']!.slice(0, 2),
  },
  aml: { enabled: 'is_aml_enabled', feature: 'AML', keys: ['aml_match_score_threshold'] },
  ip: { enabled: 'is_ip_analysis_enabled', feature: 'IP_ANALYSIS', keys: [] },
  nfc: { enabled: 'is_nfc_enabled', feature: 'NFC', keys: [] },
  db: { enabled: 'is_database_validation_enabled', feature: 'DATABASE_VALIDATION', keys: [] },
  phone: { enabled: 'is_phone_verification_enabled', feature: 'PHONE', keys: [] },
  email: { enabled: 'is_email_verification_enabled', feature: 'EMAIL', keys: [] },
};
const FLAT_TOP = ['workflow_type', 'documents_allowed', 'duplicated_user_action'];
const TOP_KEYS = ['workflow_label', 'is_default', 'session_expiration_time', 'features'];

export interface DiditFeature {
  feature: string;
  config: Record<string, unknown>;
}

export interface ParsedDiditWorkflow {
  definition: WorkflowDefinition;
  isDefault: boolean | undefined;
}

/** Finds the core questionnaire (and version) a Didit questionnaire UUID names; undefined when unknown. */
export type QuestionnaireLookup = (uuid: string) => Promise<{ id: string; version: number } | undefined>;

const fail = (field: string, message: string): never => {
  throw DiditError.field(field, message);
};

function objectAt(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(field, 'Must be an object.');
  return v as Record<string, unknown>;
}

function score(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100)
    return fail(field, 'Must be a number from 0 to 100.');
  return v;
}

/** The features of a body in the older flat form (`is_liveness_enabled`, …), or of the current workflow. */
function flatFeatures(body: Record<string, unknown>): DiditFeature[] {
  const type = body['workflow_type'];
  if (type !== undefined && type !== 'kyc')
    fail('workflow_type', `"${String(type)}" is not available: openidv builds "kyc" workflows only.`);
  const ocr: Record<string, unknown> = {};
  for (const k of ['documents_allowed', 'duplicated_user_action'])
    if (body[k] !== undefined) ocr[k] = body[k];
  const features: DiditFeature[] = [{ feature: 'OCR', config: ocr }];
  for (const f of Object.values(FLAT)) {
    const on = body[f.enabled];
    if (on !== undefined && typeof on !== 'boolean') fail(f.enabled, 'Must be a boolean.');
    if (!on) continue;
    const config: Record<string, unknown> = {};
    for (const k of f.keys) if (body[k] !== undefined) config[k] = body[k];
    features.push({ feature: f.feature, config });
  }
  return features;
}

function featureList(v: unknown): DiditFeature[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 20)
    return fail('features', 'Must be a list of 1 to 20 {feature, config} objects.');
  return v.map((item, i) => {
    const o = objectAt(item, `features.${i}`);
    if (typeof o['feature'] !== 'string') return fail(`features.${i}.feature`, 'Required.');
    const config =
      o['config'] === undefined || o['config'] === null ? {} : objectAt(o['config'], `features.${i}.config`);
    return { feature: o['feature'].toUpperCase(), config };
  });
}

/** Didit's `status_rules` fields openidv's rules can read, with how a value converts. */
const RULE_FIELDS: Record<string, { field: string; value?: (v: unknown) => unknown }> = {
  'kyc.issuing_state': { field: 'document.country' },
  'kyc.document_type': { field: 'document.type', value: (v) => coreDocumentType(String(v)) ?? v },
  'kyc.document_number': { field: 'document.number' },
  'kyc.expiration_date': { field: 'document.expiryDate' },
  'kyc.date_of_birth': { field: 'person.dateOfBirth' },
  'kyc.age': { field: 'person.age' },
  'kyc.nationality': { field: 'person.nationality' },
  'kyc.first_name': { field: 'person.firstName' },
  'kyc.last_name': { field: 'person.lastName' },
};
const OPERATORS: Record<string, Exclude<keyof FieldCondition, 'field'>> = {
  equals: 'eq',
  not_equals: 'ne',
  greater_than: 'gt',
  greater_than_or_equals: 'gte',
  less_than: 'lt',
  less_than_or_equals: 'lte',
  in: 'in',
  not_in: 'notIn',
  is_empty: 'exists',
  is_not_empty: 'exists',
};

function statusRules(v: unknown, feature: string, at: string): WorkflowRule[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return fail(at, 'Must be a list of rules.');
  const rules: WorkflowRule[] = [];
  v.forEach((item, j) => {
    const r = objectAt(item, `${at}.${j}`);
    const field = RULE_FIELDS[String(r['field'])];
    if (!field)
      fail(
        `${at}.${j}.field`,
        `"${String(r['field'])}" cannot be read by openidv's rules; supported: ${Object.keys(RULE_FIELDS).join(', ')}.`,
      );
    const op = OPERATORS[String(r['operator'])];
    if (!op)
      fail(
        `${at}.${j}.operator`,
        `"${String(r['operator'])}" is not available in openidv's rules; supported: ${Object.keys(OPERATORS).join(', ')}.`,
      );
    if (r['value_type'] === 'field')
      fail(
        `${at}.${j}.value_type`,
        'openidv rules compare with literal values or lists, not with other fields.',
      );
    const status = r['status'];
    if (status === 'No Action') return; // Didit's no-op: nothing to run.
    if (status !== 'Declined' && status !== 'In Review')
      fail(
        `${at}.${j}.status`,
        `"${String(status)}" is not available: openidv rules only make a decision stricter (Declined or In Review).`,
      );
    const convert = field!.value ?? ((x: unknown) => x);
    let value: unknown;
    if (op === 'exists') value = r['operator'] === 'is_not_empty';
    else if (op === 'in' || op === 'notIn') {
      if (!Array.isArray(r['value']) || r['value'].length === 0)
        fail(`${at}.${j}.value`, 'Must be a non-empty list for in and not_in.');
      value = (r['value'] as unknown[]).map(convert);
    } else value = convert(r['value']);
    rules.push({
      id: `${RULE_PREFIX}${feature.toLowerCase()}_${j + 1}`,
      name: `Didit ${feature} status rule ${j + 1}`,
      if: { field: field!.field, [op!]: value } as FieldCondition,
      // biome-ignore lint/suspicious/noThenProperty: openidv's rule format names the outcome `then`.
      then: status === 'Declined' ? 'decline' : 'review',
    });
  });
  return rules;
}

/**
 * A score check with Didit's decline and review thresholds: below review → review, below decline → decline
 * (the review threshold is the check's own; the decline one a rule on the check's score).
 */
function thresholds(
  type: string,
  reason: string,
  decline: number | undefined,
  review: number | undefined,
  config: Record<string, unknown>,
): { check: WorkflowCheck; rules: WorkflowRule[] } {
  const check: WorkflowCheck = { type, config };
  const rules: WorkflowRule[] = [];
  if (review !== undefined && (decline === undefined || review > decline)) {
    check.config = { ...config, threshold: fromDiditScore(type, review) };
    check.reasonActions = { [reason]: 'review' };
    if (decline !== undefined)
      rules.push({
        id: `${RULE_PREFIX}${type.replace('-', '_')}_decline`,
        name: `Didit ${type} decline threshold`,
        if: { field: `checks.${type}.score`, lt: fromDiditScore(type, decline) },
        // biome-ignore lint/suspicious/noThenProperty: openidv's rule format names the outcome `then`.
        then: 'decline',
      });
  } else if (decline !== undefined) {
    check.config = { ...config, threshold: fromDiditScore(type, decline) };
    check.reasonActions = { [reason]: 'decline' };
  }
  return { check, rules };
}

/** A score feature's `<prefix>_score_decline_threshold` and `…_review_threshold` on its openidv check. */
function scored(type: string, reason: string, prefix: string, config: Record<string, unknown>, at: string) {
  const level = (which: string) =>
    score(config[`${prefix}_score_${which}_threshold`], `${at}.config.${prefix}_score_${which}_threshold`);
  return thresholds(type, reason, level('decline'), level('review'), {});
}

function documentsAllowed(v: unknown, at: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  const byCountry = objectAt(v, at);
  const countries = Object.keys(byCountry);
  if (!countries.length) return {};
  let types: string[] | undefined;
  for (const country of countries) {
    if (!/^[A-Z]{3}$/.test(country)) fail(at, `"${country}" is not an ISO 3166-1 alpha-3 country code.`);
    const byType = objectAt(byCountry[country], `${at}.${country}`);
    const enabled = Object.entries(byType)
      .filter(([, s]) => Boolean((s as { enabled?: unknown } | null)?.enabled))
      .map(([code]) => {
        const t = coreDocumentType(code);
        return (
          t ?? fail(`${at}.${country}`, `"${code}" is not a document type openidv reads (P, ID, DL, RP).`)
        );
      })
      .sort();
    if (types && types.join() !== enabled.join())
      fail(
        at,
        'openidv accepts the same document types from every country listed; give each country the same types.',
      );
    types = enabled;
  }
  if (!types?.length) fail(at, 'Enable at least one document type.');
  return { acceptedCountries: countries, acceptedTypes: types };
}

/** Didit's body (features or the flat form) as an openidv workflow definition, on top of `current` for PATCH. */
export async function parseDiditWorkflow(
  raw: unknown,
  findQuestionnaire: QuestionnaireLookup,
  current?: Workflow,
): Promise<ParsedDiditWorkflow> {
  const body = objectAt(raw ?? {}, 'non_field_errors');
  const flatKeys = [...FLAT_TOP, ...Object.values(FLAT).flatMap((f) => [f.enabled, ...f.keys])];
  for (const k of Object.keys(body))
    if (!TOP_KEYS.includes(k) && !flatKeys.includes(k))
      fail(k, `Not a workflow setting openidv reads; accepted: ${[...TOP_KEYS, ...flatKeys].join(', ')}.`);
  const label = body['workflow_label'];
  if (label !== undefined && (typeof label !== 'string' || !label.trim() || label.length > 200))
    fail('workflow_label', 'Must be a string of 1 to 200 characters.');
  if (!current && label === undefined) fail('workflow_label', 'This field is required.');
  const isDefault = body['is_default'];
  if (isDefault !== undefined && typeof isDefault !== 'boolean') fail('is_default', 'Must be a boolean.');
  const expiry = body['session_expiration_time'];
  if (
    expiry !== undefined &&
    (typeof expiry !== 'number' || !Number.isInteger(expiry) || expiry < 1 || expiry > 129_600)
  )
    fail('session_expiration_time', 'Must be a whole number of minutes from 1 to 129600 (90 days).');

  const usesFlat = Object.keys(body).some((k) => flatKeys.includes(k));
  if (usesFlat && body['features'] !== undefined)
    fail('features', 'Give either features or the flat settings (is_liveness_enabled, …), not both.');
  let features: DiditFeature[] | undefined;
  if (body['features'] !== undefined) features = featureList(body['features']);
  else if (usesFlat) features = flatFeatures(current ? { ...diditSettings(current), ...body } : body);
  else if (!current) features = [{ feature: 'OCR', config: {} }];

  const definition: WorkflowDefinition = current
    ? {
        name: current.name,
        ...(current.description !== undefined && { description: current.description }),
        checks: current.checks,
        ...(current.sessionLifetimeSeconds !== undefined && {
          sessionLifetimeSeconds: current.sessionLifetimeSeconds,
        }),
        ...(current.questionnaire && { questionnaire: current.questionnaire }),
        ...(current.rules && { rules: current.rules }),
      }
    : { name: '', checks: [] };
  if (typeof label === 'string') definition.name = label.trim();
  if (typeof expiry === 'number') definition.sessionLifetimeSeconds = Math.max(60, expiry * 60);
  if (features) await applyFeatures(definition, features, findQuestionnaire, usesFlat);
  return { definition, isDefault: isDefault as boolean | undefined };
}

async function applyFeatures(
  definition: WorkflowDefinition,
  features: DiditFeature[],
  findQuestionnaire: QuestionnaireLookup,
  flat: boolean,
) {
  const checks: WorkflowCheck[] = [];
  const rules: WorkflowRule[] = [];
  let questionnaire: WorkflowDefinition['questionnaire'];
  const seen = new Set<string>();
  for (const [i, { feature, config }] of features.entries()) {
    const at = `features.${i}`;
    if (seen.has(feature)) fail(`${at}.feature`, `${feature} appears twice.`);
    seen.add(feature);
    if (NEEDS_OCR.includes(feature) && !seen.has('OCR'))
      fail(`${at}.feature`, `${feature} requires OCR earlier in the workflow.`);
    if (REFUSED[feature]) fail(`${at}.feature`, `${feature} is not available: ${REFUSED[feature]}.`);
    if (!KNOWN.includes(feature))
      fail(
        `${at}.feature`,
        `"${feature}" is not a Didit feature openidv runs; available: ${KNOWN.join(', ')}.`,
      );
    for (const k of Object.keys(config))
      if (!CONFIG_KEYS[feature]!.includes(k))
        fail(
          `${at}.config.${k}`,
          `Not a ${feature} setting openidv has; accepted: ${CONFIG_KEYS[feature]!.join(', ')}.`,
        );
    rules.push(...statusRules(config['status_rules'], feature, `${at}.config.status_rules`));
    switch (feature) {
      case 'OCR': {
        const document: WorkflowCheck = {
          type: 'document',
          config: documentsAllowed(config['documents_allowed'], `${at}.config.documents_allowed`),
        };
        const dup = config['duplicated_user_action'];
        if (dup !== undefined && dup !== null) {
          const action = String(dup).toLowerCase();
          if (action === 'no_action') document.config['detectDuplicates'] = false;
          else if (action === 'review' || action === 'decline')
            document.reasonActions = { DUPLICATE_DOCUMENT: action };
          else fail(`${at}.config.duplicated_user_action`, 'Must be no_action, review or decline.');
        }
        checks.push(document);
        break;
      }
      case 'LIVENESS': {
        const method = String(config['face_liveness_method'] ?? 'passive').toLowerCase();
        if (method !== 'passive' && method !== 'active_3d')
          fail(
            `${at}.config.face_liveness_method`,
            `"${method}" is not available: openidv has passive liveness and an active head-movement challenge (active_3d).`,
          );
        const t = scored('liveness', 'LIVENESS_FAILED', 'face_liveness', config, at);
        checks.push(t.check);
        if (method === 'active_3d') checks.push({ type: 'active-liveness', config: {} });
        rules.push(...t.rules);
        break;
      }
      case 'FACE_MATCH': {
        const t = scored('face-match', 'FACE_MISMATCH', 'face_match', config, at);
        checks.push(t.check);
        rules.push(...t.rules);
        break;
      }
      case 'AML': {
        const hit = score(config['aml_match_score_threshold'], `${at}.config.aml_match_score_threshold`);
        checks.push({
          type: 'aml',
          config: hit === undefined ? {} : { threshold: fromDiditScore('aml', hit) },
        });
        break;
      }
      case 'IP_ANALYSIS':
        checks.push({ type: 'ip-risk', config: {} });
        break;
      case 'QUESTIONNAIRE': {
        const uuid = config['questionnaire_uuid'];
        if (typeof uuid !== 'string') return fail(`${at}.config.questionnaire_uuid`, 'Required.');
        const found = await findQuestionnaire(uuid);
        if (!found) return fail(`${at}.config.questionnaire_uuid`, `Questionnaire "${uuid}" does not exist.`);
        // Didit runs the features in order: a questionnaire before the document and selfie is asked first.
        const capture = features
          .slice(i + 1)
          .some((f) => ['OCR', 'LIVENESS', 'FACE_MATCH'].includes(f.feature));
        questionnaire = { ...found, placement: capture ? 'before-capture' : 'after-capture' };
        break;
      }
    }
  }
  // Checks no Didit feature stands for (image quality, blocklist, …) and rules made natively stay, and so do the
  // settings Didit has no words for (minimum age, blur limits, …) on the checks it rebuilds.
  const previous = new Map(definition.checks.map((c) => [c.type, c]));
  const merged = checks.map((c) => keepNativeSettings(c, previous.get(c.type)));
  definition.checks = [...merged, ...definition.checks.filter((c) => !FEATURE_CHECKS.includes(c.type))];
  // The flat form has no status rules and no questionnaire: a flat update keeps the ones the workflow has.
  const kept = (definition.rules ?? []).filter(
    (r) => !r.id.startsWith(RULE_PREFIX) || (flat && !r.id.endsWith('_decline')),
  );
  if (kept.length || rules.length) definition.rules = [...kept, ...rules];
  else delete definition.rules;
  if (questionnaire) definition.questionnaire = questionnaire;
  else if (!flat) delete definition.questionnaire;
}

/** The config keys and the reason each Didit feature sets on its check; the rest belong to openidv. */
const DIDIT_OWNED: Record<string, { keys: string[]; reason?: string }> = {
  document: {
    keys: ['acceptedCountries', 'acceptedTypes', 'detectDuplicates'],
    reason: 'DUPLICATE_DOCUMENT',
  },
  liveness: { keys: ['threshold'], reason: 'LIVENESS_FAILED' },
  'face-match': { keys: ['threshold'], reason: 'FACE_MISMATCH' },
  aml: { keys: ['threshold'] },
};

function keepNativeSettings(next: WorkflowCheck, before: WorkflowCheck | undefined): WorkflowCheck {
  if (!before) return next;
  const owned = DIDIT_OWNED[next.type] ?? { keys: [] };
  const config = Object.fromEntries(Object.entries(before.config).filter(([k]) => !owned.keys.includes(k)));
  const reasons = Object.entries(before.reasonActions ?? {}).filter(([code]) => code !== owned.reason);
  const reasonActions = { ...Object.fromEntries(reasons), ...next.reasonActions };
  return {
    ...next,
    config: { ...config, ...next.config },
    ...(before.action && { action: before.action }),
    ...(Object.keys(reasonActions).length && { reasonActions }),
  };
}

/** Didit's flat settings (as its GET shows them) read back from an openidv workflow. */
export function diditSettings(w: WorkflowDefinition): Record<string, unknown> {
  const check = (type: string) => w.checks.find((c) => c.type === type);
  const declineBelow = (type: string) => {
    const rule = w.rules?.find((r) => r.id === `${RULE_PREFIX}${type.replace('-', '_')}_decline`);
    const lt = rule && 'field' in rule.if ? rule.if.lt : undefined;
    return typeof lt === 'number' ? toDiditScore(type, lt) : null;
  };
  const levels = (type: string, reason: string) => {
    const c = check(type);
    const t = typeof c?.config['threshold'] === 'number' ? toDiditScore(type, c.config['threshold']) : null;
    const action = c?.reasonActions?.[reason] ?? c?.action;
    return action === 'review' ? { decline: declineBelow(type), review: t } : { decline: t, review: null };
  };
  const doc = check('document');
  const live = levels('liveness', 'LIVENESS_FAILED');
  const face = levels('face-match', 'FACE_MISMATCH');
  const aml = check('aml');
  const countries = (doc?.config['acceptedCountries'] as string[] | undefined) ?? [];
  const types = ((doc?.config['acceptedTypes'] as string[] | undefined) ?? [])
    .map(diditDocumentType)
    .filter((t): t is string => t !== null);
  return {
    is_liveness_enabled: Boolean(check('liveness') || check('active-liveness')),
    face_liveness_method: check('active-liveness') ? 'active_3d' : 'passive',
    face_liveness_score_decline_threshold: live.decline,
    face_liveness_score_review_threshold: live.review,
    is_face_match_enabled: Boolean(check('face-match')),
    face_match_score_decline_threshold: face.decline,
    face_match_score_review_threshold: face.review,
    is_aml_enabled: Boolean(aml),
    aml_match_score_threshold:
      typeof aml?.config['threshold'] === 'number' ? toDiditScore('aml', aml.config['threshold']) : null,
    is_ip_analysis_enabled: Boolean(check('ip-risk')),
    is_nfc_enabled: false,
    is_database_validation_enabled: false,
    is_phone_verification_enabled: false,
    is_email_verification_enabled: false,
    duplicated_user_action:
      doc?.config['detectDuplicates'] === false
        ? 'no_action'
        : (doc?.reasonActions?.['DUPLICATE_DOCUMENT'] ?? 'review'),
    documents_allowed: Object.fromEntries(
      countries.map((c) => [c, Object.fromEntries(types.map((t) => [t, { enabled: 1 }]))]),
    ),
  };
}
