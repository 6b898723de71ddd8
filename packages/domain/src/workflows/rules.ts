import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import type {
  CheckAction,
  CheckDefinition,
  CheckResult,
  ExtractedDocument,
  ExtractedPerson,
} from '../checks/check.ts';

/**
 * Workflow rules: typed conditions over the results of a workflow's checks (reason codes, statuses, scores,
 * evidence, risk labels and the data read from the document) that escalate the decision. They run after the
 * per-check actions and can only make a decision stricter (review, resubmit, decline), never approve.
 */

export type RuleCondition =
  | { all: RuleCondition[] }
  | { any: RuleCondition[] }
  | { not: RuleCondition }
  | { reason: string; check?: string | undefined }
  | { check: string; status: CheckResult['status'] | CheckResult['status'][] }
  | { riskLabel: string }
  | FieldCondition;

type Scalar = string | number | boolean;
export interface FieldCondition {
  field: string;
  eq?: Scalar | undefined;
  ne?: Scalar | undefined;
  lt?: number | string | undefined;
  lte?: number | string | undefined;
  gt?: number | string | undefined;
  gte?: number | string | undefined;
  in?: Scalar[] | undefined;
  notIn?: Scalar[] | undefined;
  exists?: boolean | undefined;
}

const FIELD_OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'notIn', 'exists'] as const;
const scalar = z.union([z.string().max(200), z.number(), z.boolean()]);
const ordered = z.union([
  z.number(),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a number or a YYYY-MM-DD date'),
]);
const checkStatus = z.enum(['passed', 'failed', 'not_applicable', 'error']);

const fieldConditionSchema = z
  .object({
    field: z
      .string()
      .min(1)
      .max(200)
      .describe(
        'person.<firstName|lastName|dateOfBirth|sex|nationality|personalNumber|estimatedAge|age>, document.<number|type|country|expiryDate|issueDate>, or checks.<type>.<status|score|evidence.<path>>.',
      ),
    eq: scalar.optional(),
    ne: scalar.optional(),
    lt: ordered.optional(),
    lte: ordered.optional(),
    gt: ordered.optional(),
    gte: ordered.optional(),
    in: z.array(scalar).min(1).max(300).optional(),
    notIn: z.array(scalar).min(1).max(300).optional(),
    exists: z.boolean().optional(),
  })
  .strict()
  .refine((c) => FIELD_OPERATORS.filter((op) => c[op] !== undefined).length === 1, {
    message: `a field condition needs exactly one operator of ${FIELD_OPERATORS.join(', ')}`,
  });

export const ruleConditionSchema: z.ZodType<RuleCondition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(ruleConditionSchema).min(1).max(20) }).strict(),
    z.object({ any: z.array(ruleConditionSchema).min(1).max(20) }).strict(),
    z.object({ not: ruleConditionSchema }).strict(),
    z
      .object({
        reason: z
          .string()
          .min(1)
          .max(64)
          .describe('A reason code raised by a failed check, e.g. IP_HOSTING.'),
        check: z.string().min(1).max(64).optional().describe('Only when raised by this check.'),
      })
      .strict(),
    z
      .object({
        check: z.string().min(1).max(64),
        status: z.union([checkStatus, z.array(checkStatus).min(1)]),
      })
      .strict(),
    z.object({ riskLabel: z.string().min(1).max(64) }).strict(),
    fieldConditionSchema,
  ]),
) as z.ZodType<RuleCondition>;

export const workflowRuleSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,40}$/, 'letters, digits and _ only, at most 40')
      .describe('Stable id; the decision reason is RULE_<ID>.'),
    name: z.string().min(1).max(200).describe('Shown in the decision reason and the console.'),
    description: z.string().max(2000).optional(),
    if: ruleConditionSchema.describe(
      'A condition: {all:[…]}, {any:[…]}, {not:…}, {reason:"CODE"}, {check:"type",status:"failed"}, {riskLabel:"tor"} or {field:"person.age",lt:18}.',
    ),
    then: z
      .enum(['review', 'resubmit', 'decline'])
      .describe('What the decision becomes at least, when the condition holds.'),
  })
  .strict()
  .meta({
    example: {
      id: 'hosting_abroad',
      name: 'Hosting IP from another country',
      if: { all: [{ reason: 'IP_HOSTING' }, { reason: 'IP_COUNTRY_MISMATCH' }] },
      then: 'review',
    },
  });
export type WorkflowRule = z.infer<typeof workflowRuleSchema>;

export function ruleReasonCode(rule: Pick<WorkflowRule, 'id'>): string {
  return `RULE_${rule.id.toUpperCase()}`;
}

/** Reasons any check can end with, whatever its type. */
const GENERIC_REASONS = ['CHECK_ERROR', 'CHECK_FAILED', 'CHECK_UNAVAILABLE', 'CHECK_CONFIG_INVALID'];

type FieldType = 'text' | 'number' | 'date' | 'status' | 'any';
const PERSON_FIELDS: Record<string, FieldType> = {
  firstName: 'text',
  lastName: 'text',
  dateOfBirth: 'date',
  sex: 'text',
  nationality: 'text',
  personalNumber: 'text',
  estimatedAge: 'number',
  age: 'number',
};
const DOCUMENT_FIELDS: Record<string, FieldType> = {
  number: 'text',
  type: 'text',
  country: 'text',
  expiryDate: 'date',
  issueDate: 'date',
};

/**
 * Checks the rules against the workflow they belong to: the checks and reason codes they name exist, field
 * paths are known and operators fit the field's type. Returns one message per problem, each naming its rule.
 */
export function validateRules(
  rules: WorkflowRule[],
  checks: { type: string }[],
  lookup: (type: string) => Pick<CheckDefinition, 'reasonCodes'> | undefined,
): string[] {
  const problems: string[] = [];
  const types = checks.map((c) => c.type);
  const reasonsOf = (type: string) => Object.keys(lookup(type)?.reasonCodes ?? {});
  const allReasons = [...new Set([...types.flatMap(reasonsOf), ...GENERIC_REASONS])];
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    const where = `rules[${i}] ("${rule.name}")`;
    const code = ruleReasonCode(rule);
    if (ids.has(code)) problems.push(`${where}: id "${rule.id}" is used by another rule`);
    ids.add(code);
    const say = (path: string, msg: string) => problems.push(`${where}: ${path}: ${msg}`);
    const visit = (c: RuleCondition, path: string, depth: number) => {
      if (depth > 8) return say(path, 'conditions may be nested at most 8 deep');
      if ('all' in c) {
        for (const [j, x] of c.all.entries()) visit(x, `${path}.all[${j}]`, depth + 1);
        return;
      }
      if ('any' in c) {
        for (const [j, x] of c.any.entries()) visit(x, `${path}.any[${j}]`, depth + 1);
        return;
      }
      if ('not' in c) return visit(c.not, `${path}.not`, depth + 1);
      if ('reason' in c) {
        if (c.check !== undefined) {
          if (!types.includes(c.check))
            return say(path, `check "${c.check}" is not in this workflow${hint(c.check, types)}`);
          const own = [...reasonsOf(c.check), ...GENERIC_REASONS];
          if (!own.includes(c.reason))
            return say(path, `"${c.reason}" is not a reason of ${c.check}${hint(c.reason, own)}`);
          return;
        }
        if (!allReasons.includes(c.reason))
          say(path, `no check of this workflow raises "${c.reason}"${hint(c.reason, allReasons)}`);
        return;
      }
      if ('status' in c) {
        if (!types.includes(c.check))
          say(path, `check "${c.check}" is not in this workflow${hint(c.check, types)}`);
        return;
      }
      if ('riskLabel' in c) return;
      const type = fieldType(c.field, types);
      if (typeof type === 'string' && type.startsWith('!')) return say(`${path}.field`, type.slice(1));
      const op = FIELD_OPERATORS.find((o) => c[o] !== undefined)!;
      const operand = c[op];
      if (['lt', 'lte', 'gt', 'gte'].includes(op)) {
        if (type === 'text' || type === 'status')
          return say(path, `${c.field} is text; ${op} needs a number or date field`);
        if (type === 'number' && typeof operand !== 'number')
          return say(path, `${c.field} is a number; ${op} needs a number`);
        if (type === 'date' && typeof operand !== 'string')
          return say(path, `${c.field} is a date; ${op} needs a YYYY-MM-DD date`);
      }
      if (type === 'status') {
        const values =
          op === 'in' || op === 'notIn' ? (operand as Scalar[]) : op === 'exists' ? [] : [operand as Scalar];
        for (const v of values)
          if (!['passed', 'failed', 'not_applicable', 'error'].includes(String(v)))
            say(path, `"${v}" is not a check status (passed, failed, not_applicable, error)`);
      }
    };
    visit(rule.if, 'if', 0);
  });
  return problems;
}

/** The type of a field path, or "!message" when the path is not known. */
function fieldType(path: string, types: string[]): FieldType | `!${string}` {
  const [head, ...rest] = path.split('.');
  if (head === 'person' || head === 'document') {
    const known = head === 'person' ? PERSON_FIELDS : DOCUMENT_FIELDS;
    const key = rest.join('.');
    return (
      known[key] ??
      `!unknown field "${path}" (known: ${Object.keys(known)
        .map((k) => `${head}.${k}`)
        .join(', ')})`
    );
  }
  if (head === 'checks') {
    // check types contain dashes but no dots, so checks.<type>.<rest>
    const [type, what, ...more] = rest;
    if (!type || !types.includes(type))
      return `!check "${type ?? ''}" is not in this workflow${hint(type ?? '', types)}`;
    if (what === 'status' && more.length === 0) return 'status';
    if (what === 'score' && more.length === 0) return 'number';
    if (what === 'evidence' && more.length > 0) return 'any';
    return `!after checks.${type} comes status, score or evidence.<path>`;
  }
  return `!unknown field "${path}": fields start with person., document. or checks.`;
}

function hint(given: string, known: string[]): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = distance(given.toUpperCase(), k.toUpperCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(given.length / 4))
    ? ` (did you mean "${best}"?)`
    : '';
}

/** What rules are evaluated over: the checks' results and the merged data read from the document. */
export interface RuleContext {
  results: CheckResult[];
  person: ExtractedPerson;
  document: ExtractedDocument;
  riskLabels: string[];
  now: Date;
}

export interface RuleMatch {
  rule: WorkflowRule;
  code: string;
  action: CheckAction;
  /** Which parts of the condition held, in words. */
  explanation: string;
}

export function evaluateRules(rules: WorkflowRule[], ctx: RuleContext): RuleMatch[] {
  const matches: RuleMatch[] = [];
  for (const rule of rules) {
    const r = evaluate(rule.if, ctx);
    if (r.holds) matches.push({ rule, code: ruleReasonCode(rule), action: rule.then, explanation: r.why });
  }
  return matches;
}

interface Outcome {
  holds: boolean;
  why: string;
}

function evaluate(c: RuleCondition, ctx: RuleContext): Outcome {
  if ('all' in c) {
    const parts = c.all.map((x) => evaluate(x, ctx));
    const failed = parts.find((p) => !p.holds);
    return failed ? failed : { holds: true, why: parts.map((p) => p.why).join(' and ') };
  }
  if ('any' in c) {
    const parts = c.any.map((x) => evaluate(x, ctx));
    const held = parts.filter((p) => p.holds);
    return held.length
      ? { holds: true, why: held.map((p) => p.why).join(' or ') }
      : { holds: false, why: parts.map((p) => p.why).join(' and ') };
  }
  if ('not' in c) {
    const inner = evaluate(c.not, ctx);
    return { holds: !inner.holds, why: inner.why };
  }
  if ('reason' in c) {
    const raisedBy = ctx.results.filter(
      (r) =>
        (r.status === 'failed' || r.status === 'error') &&
        (c.check === undefined || r.type === c.check) &&
        r.reasons.some((x) => x.code === c.reason),
    );
    return raisedBy.length
      ? { holds: true, why: `${c.reason} was raised` }
      : { holds: false, why: `${c.reason} was not raised` };
  }
  if ('status' in c) {
    const r = ctx.results.find((x) => x.type === c.check);
    const wanted = Array.isArray(c.status) ? c.status : [c.status];
    const holds = !!r && wanted.includes(r.status);
    return { holds, why: `the ${c.check} check ${r ? r.status : 'did not run'}` };
  }
  if ('riskLabel' in c) {
    const holds = ctx.riskLabels.includes(c.riskLabel);
    return { holds, why: `risk label "${c.riskLabel}" ${holds ? 'present' : 'absent'}` };
  }
  return evaluateField(c, ctx);
}

function evaluateField(c: FieldCondition, ctx: RuleContext): Outcome {
  const value = resolveField(c.field, ctx);
  const shown = value === undefined ? 'unknown' : JSON.stringify(value);
  const op = FIELD_OPERATORS.find((o) => c[o] !== undefined)!;
  const operand = c[op];
  const say = (holds: boolean, sign: string) => ({
    holds,
    why: `${c.field} = ${shown} (${sign} ${JSON.stringify(operand)})`,
  });
  if (op === 'exists')
    return {
      holds: (value !== undefined) === operand,
      why: `${c.field} ${value === undefined ? 'is unknown' : 'is known'}`,
    };
  if (value === undefined) return { holds: op === 'ne' || op === 'notIn', why: `${c.field} is unknown` };
  const same = (a: unknown, b: unknown) =>
    typeof a === 'string' && typeof b === 'string' ? a.toUpperCase() === b.toUpperCase() : a === b;
  switch (op) {
    case 'eq':
      return say(same(value, operand), '=');
    case 'ne':
      return say(!same(value, operand), '≠');
    case 'in':
      return say(
        (operand as Scalar[]).some((v) => same(value, v)),
        'in',
      );
    case 'notIn':
      return say(!(operand as Scalar[]).some((v) => same(value, v)), 'not in');
  }
  if (typeof value !== typeof operand)
    return { holds: false, why: `${c.field} = ${shown} is not comparable with ${JSON.stringify(operand)}` };
  const a = value as number | string;
  const b = operand as number | string;
  const holds = op === 'lt' ? a < b : op === 'lte' ? a <= b : op === 'gt' ? a > b : a >= b;
  return say(holds, { lt: '<', lte: '≤', gt: '>', gte: '≥' }[op as 'lt']);
}

function resolveField(path: string, ctx: RuleContext): Scalar | undefined {
  const [head, ...rest] = path.split('.');
  if (head === 'person') {
    if (rest[0] === 'age') {
      const dob = ctx.person.dateOfBirth?.value;
      return dob ? ageOn(dob, ctx.now) : undefined;
    }
    return (ctx.person as Record<string, { value: Scalar } | undefined>)[rest.join('.')]?.value;
  }
  if (head === 'document')
    return (ctx.document as Record<string, { value: Scalar } | undefined>)[rest.join('.')]?.value;
  if (head === 'checks') {
    const [type, what, ...more] = rest;
    const r = ctx.results.find((x) => x.type === type);
    if (!r) return undefined;
    if (what === 'status') return r.status;
    if (what === 'score') return r.score;
    let v: unknown = r.evidence;
    for (const key of more) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[key];
    }
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
  }
  return undefined;
}

/** Whole years from a YYYY-MM-DD birth date to `now` (UTC). */
export function ageOn(dateOfBirth: string, now: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < mo || (now.getUTCMonth() + 1 === mo && now.getUTCDate() < d)) age--;
  return age;
}

const CONDITION_FORMS =
  '{all:[…]}, {any:[…]}, {not:…}, {reason:"CODE"}, {check:"type",status:"failed"}, {riskLabel:"…"} or {field:"…",<operator>:…}';

/**
 * The shape of `rules` as sent, checked by hand so that each problem names its rule and the spot in the
 * condition (a schema union would only say "invalid input"). Empty when the shape is right.
 */
export function describeRuleShape(rules: unknown): string[] {
  if (!Array.isArray(rules)) return ['rules: must be a list of rules'];
  if (rules.length > 100) return ['rules: at most 100 rules'];
  const problems: string[] = [];
  rules.forEach((rule, i) => {
    const r = (rule ?? {}) as Record<string, unknown>;
    const where = `rules[${i}]${typeof r['name'] === 'string' ? ` ("${r['name']}")` : ''}`;
    const say = (path: string, msg: string) => problems.push(`${where}: ${path}: ${msg}`);
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      problems.push(`${where}: must be an object with id, name, if and then`);
      return;
    }
    if (typeof r['id'] !== 'string' || !/^[A-Za-z0-9_]{1,40}$/.test(r['id']))
      say('id', 'must be 1 to 40 letters, digits or _ (the reason code is RULE_<ID>)');
    if (typeof r['name'] !== 'string' || !r['name'].trim() || r['name'].length > 200)
      say('name', 'must be a text of 1 to 200 characters');
    if (
      r['description'] !== undefined &&
      (typeof r['description'] !== 'string' || r['description'].length > 2000)
    )
      say('description', 'must be a text of at most 2000 characters');
    if (!['review', 'resubmit', 'decline'].includes(r['then'] as string))
      say('then', 'must be "review", "resubmit" or "decline" (rules only make a decision stricter)');
    for (const k of Object.keys(r))
      if (!['id', 'name', 'description', 'if', 'then'].includes(k))
        say(k, 'unknown key (a rule has id, name, description, if, then)');
    if (r['if'] === undefined) say('if', 'is missing');
    else condition(r['if'], 'if', 0, say);
  });
  return problems;
}

function condition(c: unknown, path: string, depth: number, say: (path: string, msg: string) => void) {
  if (depth > 8) return say(path, 'conditions may be nested at most 8 deep');
  if (typeof c !== 'object' || c === null || Array.isArray(c))
    return say(path, `must be a condition: ${CONDITION_FORMS}`);
  const o = c as Record<string, unknown>;
  const keys = Object.keys(o);
  const only = (allowed: string[]) => {
    for (const k of keys) if (!allowed.includes(k)) say(`${path}.${k}`, `unknown key next to ${allowed[0]}`);
  };
  const text = (k: string, max: number) => {
    if (typeof o[k] !== 'string' || !(o[k] as string).length || (o[k] as string).length > max)
      say(`${path}.${k}`, `must be a text of 1 to ${max} characters`);
  };
  if ('all' in o || 'any' in o) {
    const k = 'all' in o ? 'all' : 'any';
    only([k]);
    const list = o[k];
    if (!Array.isArray(list) || list.length === 0 || list.length > 20)
      return say(`${path}.${k}`, 'must be a list of 1 to 20 conditions');
    for (const [j, x] of list.entries()) condition(x, `${path}.${k}[${j}]`, depth + 1, say);
    return;
  }
  if ('not' in o) {
    only(['not']);
    return condition(o['not'], `${path}.not`, depth + 1, say);
  }
  if ('reason' in o) {
    only(['reason', 'check']);
    text('reason', 64);
    if (o['check'] !== undefined) text('check', 64);
    return;
  }
  if ('status' in o) {
    only(['status', 'check']);
    text('check', 64);
    const statuses = Array.isArray(o['status']) ? o['status'] : [o['status']];
    if (
      statuses.length === 0 ||
      !statuses.every((s) => ['passed', 'failed', 'not_applicable', 'error'].includes(s as string))
    )
      say(`${path}.status`, 'must be passed, failed, not_applicable or error (or a list of them)');
    return;
  }
  if ('riskLabel' in o) {
    only(['riskLabel']);
    return text('riskLabel', 64);
  }
  if ('field' in o) {
    only(['field', ...FIELD_OPERATORS]);
    text('field', 200);
    const ops = FIELD_OPERATORS.filter((op) => o[op] !== undefined);
    if (ops.length !== 1)
      return say(
        path,
        `a field condition needs exactly one operator of ${FIELD_OPERATORS.join(', ')} (found ${ops.length ? ops.join(', ') : 'none'})`,
      );
    const op = ops[0]!;
    const v = o[op];
    const isScalar = (x: unknown) => ['string', 'number', 'boolean'].includes(typeof x);
    if (op === 'exists' && typeof v !== 'boolean') say(`${path}.exists`, 'must be true or false');
    if ((op === 'eq' || op === 'ne') && !isScalar(v))
      say(`${path}.${op}`, 'must be a text, number or true/false');
    if (
      (op === 'in' || op === 'notIn') &&
      (!Array.isArray(v) || !v.length || v.length > 300 || !v.every(isScalar))
    )
      say(`${path}.${op}`, 'must be a list of 1 to 300 texts or numbers');
    if (
      ['lt', 'lte', 'gt', 'gte'].includes(op) &&
      typeof v !== 'number' &&
      !(typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))
    )
      say(`${path}.${op}`, 'must be a number or a YYYY-MM-DD date');
    return;
  }
  say(path, `is not a condition (keys: ${keys.join(', ') || 'none'}); use ${CONDITION_FORMS}`);
}
