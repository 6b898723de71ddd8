import { z } from 'zod';
import { DomainError } from '../errors/error-codes.ts';
import {
  type Answers,
  type AnswerValue,
  CHOICE_TYPES,
  QUESTION_TYPES,
  type Question,
  type QuestionnaireContent,
  visibleQuestionIds,
} from './logic.ts';

export * from './logic.ts';

const questionId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits and _, starting with a letter')
  .describe('Stable id of the question; answers are keyed by it.');
const scalar = z.union([z.string().max(200), z.number(), z.boolean()]);
const isoDay = z.iso.date().describe('YYYY-MM-DD');
const lang = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language code such as "de"');

export const questionSchema = z
  .object({
    id: questionId,
    type: z.enum(QUESTION_TYPES),
    label: z.string().min(1).max(500),
    help: z.string().max(1000).optional(),
    required: z.boolean().default(false),
    options: z
      .array(z.object({ value: z.string().min(1).max(100), label: z.string().min(1).max(200) }))
      .max(100)
      .optional()
      .describe('For single_choice and multiple_choice: the choices, in order.'),
    validation: z
      .object({
        min: z.number().optional(),
        max: z.number().optional(),
        pattern: z.string().max(500).optional(),
        minDate: isoDay.optional(),
        maxDate: isoDay.optional(),
      })
      .strict()
      .optional()
      .describe(
        'number: min/max value; short_text, long_text: min/max length and pattern (a regular expression the whole answer matches); multiple_choice: min/max picks; date: minDate/maxDate.',
      ),
    showIf: z
      .object({
        question: questionId,
        equals: scalar.optional(),
        in: z.array(scalar).min(1).max(100).optional(),
      })
      .strict()
      .optional()
      .describe(
        'Branching: show this question only when the answer to `question` equals `equals` or is among `in` (for multiple choice: includes one of them).',
      ),
  })
  .strict();

const translationSchema = z
  .object({
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    questions: z
      .record(
        z.string(),
        z
          .object({
            label: z.string().max(500).optional(),
            help: z.string().max(1000).optional(),
            options: z.record(z.string(), z.string().max(200)).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export const questionnaireDefinitionSchema = z
  .object({
    title: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    questions: z.array(questionSchema).min(1).max(200).describe('In the order they are asked.'),
    translations: z
      .record(lang, translationSchema)
      .optional()
      .describe('Texts by language code; anything missing falls back to the base texts.'),
  })
  .strict();
export type QuestionnaireDefinition = z.infer<typeof questionnaireDefinitionSchema>;

export interface Questionnaire extends QuestionnaireDefinition {
  id: string;
  applicationId: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

function describe(issues: { path: PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
}

/** The problems of a definition beyond its shape: ids, options, validations and branching that cannot work. */
function definitionProblems(def: QuestionnaireDefinition): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Question>();
  def.questions.forEach((q, i) => {
    const at = `questions[${i}]`;
    if (byId.has(q.id)) problems.push(`${at}.id: "${q.id}" appears twice`);
    byId.set(q.id, q);
    const choice = CHOICE_TYPES.includes(q.type);
    if (choice && !q.options?.length) problems.push(`${at}.options: a ${q.type} question needs options`);
    if (!choice && q.options) problems.push(`${at}.options: only choice questions have options`);
    const values = new Set<string>();
    for (const o of q.options ?? []) {
      if (values.has(o.value)) problems.push(`${at}.options: the value "${o.value}" appears twice`);
      values.add(o.value);
    }
    const v = q.validation;
    if (v) {
      if (v.min !== undefined && v.max !== undefined && v.min > v.max)
        problems.push(`${at}.validation: min is greater than max`);
      if (v.minDate && v.maxDate && v.minDate > v.maxDate)
        problems.push(`${at}.validation: minDate is after maxDate`);
      if (
        (v.min !== undefined || v.max !== undefined) &&
        !['number', 'short_text', 'long_text', 'multiple_choice'].includes(q.type)
      )
        problems.push(`${at}.validation: min/max do not apply to ${q.type}`);
      if ((v.minDate || v.maxDate) && q.type !== 'date')
        problems.push(`${at}.validation: minDate/maxDate apply to date questions only`);
      if (v.pattern !== undefined) {
        if (!['short_text', 'long_text'].includes(q.type))
          problems.push(`${at}.validation: pattern applies to text questions only`);
        try {
          new RegExp(v.pattern, 'u');
        } catch {
          problems.push(`${at}.validation.pattern: not a valid regular expression`);
        }
      }
    }
  });
  def.questions.forEach((q, i) => {
    const cond = q.showIf;
    if (!cond) return;
    const at = `questions[${i}].showIf`;
    if ((cond.equals === undefined) === (cond.in === undefined)) {
      problems.push(`${at}: give exactly one of equals or in`);
    }
    const target = byId.get(cond.question);
    if (!target) {
      problems.push(`${at}.question: no question "${cond.question}"`);
      return;
    }
    if (target.id === q.id) {
      problems.push(`${at}.question: a question cannot depend on itself`);
      return;
    }
    const wanted = cond.in ?? (cond.equals !== undefined ? [cond.equals] : []);
    if (CHOICE_TYPES.includes(target.type)) {
      const values = new Set(target.options?.map((o) => o.value));
      for (const w of wanted) {
        if (typeof w !== 'string' || !values.has(w))
          problems.push(`${at}: ${JSON.stringify(w)} is not an option of "${target.id}"`);
      }
    } else if (target.type === 'yes_no' && wanted.some((w) => typeof w !== 'boolean')) {
      problems.push(`${at}: "${target.id}" is a yes_no question; compare with true or false`);
    } else if (target.type === 'number' && wanted.some((w) => typeof w !== 'number')) {
      problems.push(`${at}: "${target.id}" is a number question; compare with numbers`);
    }
  });
  // Branching must not loop: follow each question's showIf chain.
  const reported = new Set<string>();
  for (const q of def.questions) {
    const seen: string[] = [];
    let cur: Question | undefined = q;
    // A question depending on itself is reported above.
    while (cur?.showIf && cur.showIf.question !== cur.id) {
      if (seen.includes(cur.id)) {
        const loop = seen.slice(seen.indexOf(cur.id));
        const key = [...loop].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          problems.push(
            `showIf: the questions ${[...loop, cur.id].join(' → ')} depend on each other in a cycle`,
          );
        }
        break;
      }
      seen.push(cur.id);
      cur = byId.get(cur.showIf.question);
    }
  }
  for (const [l, tr] of Object.entries(def.translations ?? {})) {
    for (const [id, qt] of Object.entries(tr.questions ?? {})) {
      const q = byId.get(id);
      if (!q) {
        problems.push(`translations.${l}.questions: no question "${id}"`);
        continue;
      }
      const values = new Set(q.options?.map((o) => o.value));
      for (const value of Object.keys(qt.options ?? {})) {
        if (!values.has(value))
          problems.push(`translations.${l}.questions.${id}.options: no option "${value}"`);
      }
    }
  }
  return problems;
}

/** Parses and checks a definition; anything wrong is one `QUESTIONNAIRE_INVALID` listing every problem. */
export function validateQuestionnaireDefinition(input: unknown): QuestionnaireDefinition {
  const parsed = questionnaireDefinitionSchema.safeParse(input);
  const problems = parsed.success ? definitionProblems(parsed.data) : describe(parsed.error.issues);
  if (!parsed.success || problems.length) {
    throw new DomainError('QUESTIONNAIRE_INVALID', problems.join('; '), { problems });
  }
  return parsed.data;
}

/** What the domain cannot know by itself: telephone numbering plans and the list of countries. */
export interface AnswerNormalizers {
  /** The number in E.164 form, or null when it is not a valid phone number. */
  phone(value: string): string | null;
  /** The ISO 3166-1 alpha-2 code of a country given as alpha-2 or alpha-3, or null when there is none. */
  country(value: string): string | null;
}

export interface CheckedAnswers {
  /** The answers to shown questions, normalised (trimmed texts, E.164 phones, alpha-2 countries). */
  answers: Answers;
  /** Questions answered although their branching hides them: their answers are dropped, not stored. */
  dropped: string[];
}

const EMAIL = z.email();

type Checked = { value: AnswerValue } | { error: string };

function checkAnswer(q: Question, raw: AnswerValue, n: AnswerNormalizers): Checked {
  const v = q.validation ?? {};
  const bounded = (size: number, unit: string): string | null => {
    if (v.min !== undefined && size < v.min) return `must be at least ${v.min}${unit}`;
    if (v.max !== undefined && size > v.max) return `must be at most ${v.max}${unit}`;
    return null;
  };
  const fail = (message: string): Checked => ({ error: message });
  const ok = (value: AnswerValue): Checked => ({ value });
  switch (q.type) {
    case 'short_text':
    case 'long_text': {
      if (typeof raw !== 'string') return fail('must be text');
      const text = raw.trim();
      if (q.type === 'short_text' && /[\r\n]/.test(text)) return fail('must be a single line');
      const limit = bounded([...text].length, ' characters');
      if (limit) return fail(limit);
      if (text.length > (q.type === 'short_text' ? 500 : 5000)) return fail('is too long');
      if (v.pattern !== undefined && !new RegExp(`^(?:${v.pattern})$`, 'u').test(text))
        return fail('is not in the expected format');
      return ok(text);
    }
    case 'single_choice':
      if (typeof raw !== 'string' || !q.options?.some((o) => o.value === raw))
        return fail(`must be one of ${q.options?.map((o) => o.value).join(', ')}`);
      return ok(raw);
    case 'multiple_choice': {
      if (!Array.isArray(raw) || raw.some((x) => !q.options?.some((o) => o.value === x)))
        return fail(`must be a list of ${q.options?.map((o) => o.value).join(', ')}`);
      const picked = [...new Set(raw)];
      const limit = bounded(picked.length, ' choices');
      return limit ? fail(limit) : ok(picked);
    }
    case 'yes_no':
      return typeof raw === 'boolean' ? ok(raw) : fail('must be true or false');
    case 'number': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return fail('must be a number');
      const limit = bounded(raw, '');
      return limit ? fail(limit) : ok(raw);
    }
    case 'date': {
      if (typeof raw !== 'string' || !isoDay.safeParse(raw).success)
        return fail('must be a date, YYYY-MM-DD');
      if (v.minDate && raw < v.minDate) return fail(`must be on or after ${v.minDate}`);
      if (v.maxDate && raw > v.maxDate) return fail(`must be on or before ${v.maxDate}`);
      return ok(raw);
    }
    case 'email': {
      const text = typeof raw === 'string' ? raw.trim() : '';
      return text.length <= 320 && EMAIL.safeParse(text).success
        ? ok(text)
        : fail('must be an email address');
    }
    case 'phone': {
      const e164 = typeof raw === 'string' && raw.length <= 40 ? n.phone(raw) : null;
      return e164 ? ok(e164) : fail('must be a phone number with its country code, like +372 5123 4567');
    }
    case 'country': {
      const code = typeof raw === 'string' ? n.country(raw) : null;
      return code ? ok(code) : fail('must be an ISO 3166-1 country code, like "EE" or "EST"');
    }
  }
}

function isEmpty(v: AnswerValue | undefined | null): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * Checks answers against the definition: every shown required question answered, every answer of the right
 * type and within its validation. Answers to hidden questions are dropped (the applicant may have answered
 * before changing the answer a branch hangs on); answers to unknown questions are refused.
 */
export function checkAnswers(
  definition: QuestionnaireContent,
  input: Record<string, unknown>,
  normalizers: AnswerNormalizers,
): CheckedAnswers {
  const problems: string[] = [];
  const byId = new Map(definition.questions.map((q) => [q.id, q]));
  const given: Answers = {};
  for (const [id, value] of Object.entries(input)) {
    const q = byId.get(id);
    if (!q) {
      problems.push(`${id}: no such question`);
      continue;
    }
    if (isEmpty(value as AnswerValue)) continue;
    const ok =
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      (Array.isArray(value) && value.every((x) => typeof x === 'string'));
    if (!ok) {
      problems.push(`${id}: must be text, a number, true/false or a list of texts`);
      continue;
    }
    given[id] = value as AnswerValue;
  }
  // Branching is decided on the normalised answers, so "ee" shows what "EE" shows.
  const normalised: Answers = {};
  const invalid = new Set<string>();
  for (const [id, value] of Object.entries(given)) {
    const r = checkAnswer(byId.get(id)!, value, normalizers);
    if ('error' in r) {
      invalid.add(id);
      problems.push(`${id}: ${r.error}`);
    } else normalised[id] = r.value;
  }
  const shown = visibleQuestionIds(definition, normalised);
  const answers: Answers = {};
  const dropped: string[] = [];
  for (const q of definition.questions) {
    if (!shown.has(q.id)) {
      if (q.id in given) dropped.push(q.id);
      continue;
    }
    const value = normalised[q.id];
    if (value !== undefined) answers[q.id] = value;
    else if (q.required && !invalid.has(q.id)) problems.push(`${q.id}: an answer is required`);
  }
  // An invalid answer to a question hidden by the other answers does not count against the applicant.
  const relevant = problems.filter((p) => {
    const id = p.slice(0, p.indexOf(':'));
    return !invalid.has(id) || shown.has(id);
  });
  if (relevant.length) {
    throw new DomainError('QUESTIONNAIRE_ANSWERS_INVALID', relevant.join('; '), { problems: relevant });
  }
  return { answers, dropped };
}
