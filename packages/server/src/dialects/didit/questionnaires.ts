import { createHash } from 'node:crypto';
import {
  type AnswerValue,
  localizeQuestionnaire,
  type Question,
  type QuestionnaireDefinition,
  type QuestionType,
  type Session,
  visibleQuestionIds,
} from '@openidv/domain';
import { type DialectIdRow, dialects, type Executor, questionnaires } from '@openidv/storage';
import { externalIdFor } from '../ids.ts';
import { DiditError } from './codes.ts';

/**
 * Didit's questionnaires on openidv's. Didit names each published version with its own UUID
 * (`questionnaire_id`) and groups the versions under `questionnaire_group_id`, which in Didit's examples is the
 * UUID of version 1; so here too: one mapping row per core version, and the group is version 1's UUID.
 */

/** What the dialect keeps about a version besides the core definition: what Didit shows that openidv lacks. */
export interface DiditQuestionnaireExtra {
  questionnaireId: string;
  version: number;
  defaultLanguage?: string;
  languages?: string[];
  /** The element type each question was created with, where openidv's type covers several (dropdown). */
  elementTypes?: Record<string, string>;
}

export const extraOf = (link: DialectIdRow) => link.extra as unknown as DiditQuestionnaireExtra;

const versionKey = (coreId: string, version: number) => `${coreId}@${version}`;

/**
 * The Didit UUID of one version of a core questionnaire, given the first time the dialect shows it. A version
 * made with the native API keeps the default language the previous version was given in Didit form.
 */
export async function versionLink(
  db: Executor,
  applicationId: string,
  coreId: string,
  version: number,
): Promise<DialectIdRow> {
  const found = await dialects.findByInternalId(db, 'didit', versionKey(coreId, version));
  if (found) return found;
  const previous =
    version > 1 ? await dialects.findByInternalId(db, 'didit', versionKey(coreId, version - 1)) : undefined;
  const defaultLanguage = previous && extraOf(previous).defaultLanguage;
  return externalIdFor(
    db,
    'didit',
    'questionnaire',
    versionKey(coreId, version),
    { applicationId, sessionId: coreId },
    { questionnaireId: coreId, version, ...(defaultLanguage && { defaultLanguage }) },
  );
}

/** Records what Didit was told about a version it created (languages, element types), whoever mapped it first. */
export async function recordVersion(
  db: Executor,
  applicationId: string,
  coreId: string,
  version: number,
  extra: ParsedQuestionnaire['extra'],
): Promise<DialectIdRow> {
  const link = await versionLink(db, applicationId, coreId, version);
  const full: DiditQuestionnaireExtra = { ...extra, questionnaireId: coreId, version };
  await dialects.updateExtra(db, 'didit', link.externalId, { ...full });
  return { ...link, extra: { ...full } };
}

const groupIdOf = async (db: Executor, applicationId: string, coreId: string) =>
  (await versionLink(db, applicationId, coreId, 1)).externalId;

/** Didit's element types and openidv's question types. Didit accepts them in lower or upper case. */
const TO_CORE: Record<string, QuestionType> = {
  short_text: 'short_text',
  long_text: 'long_text',
  number: 'number',
  email: 'email',
  date_picker: 'date',
  dropdown: 'single_choice',
  single_choice: 'single_choice',
  multiple_choice: 'multiple_choice',
  // Not in the Didit material at hand; openidv's own types under their own names.
  phone: 'phone',
  country: 'country',
};
const FROM_CORE: Record<QuestionType, string> = {
  short_text: 'SHORT_TEXT',
  long_text: 'LONG_TEXT',
  number: 'NUMBER',
  email: 'EMAIL',
  date: 'DATE_PICKER',
  single_choice: 'SINGLE_CHOICE',
  multiple_choice: 'MULTIPLE_CHOICE',
  // openidv's yes/no question is a single choice between "yes" and "no" in Didit's terms.
  yes_no: 'SINGLE_CHOICE',
  phone: 'PHONE',
  country: 'COUNTRY',
};
const REFUSED: Record<string, string> = {
  file_upload: 'openidv questionnaires take no files: collect documents as session media instead.',
  image: 'openidv questionnaires take no files: collect documents as session media instead.',
  section_header:
    'openidv questionnaires are a plain list of questions: layout elements (sections, headings, paragraphs, separators) are not supported.',
};
REFUSED['heading'] = REFUSED['section_header']!;
REFUSED['paragraph'] = REFUSED['section_header']!;
REFUSED['separator'] = REFUSED['section_header']!;

const LINEAR_ONLY =
  'The v3 API takes linear questionnaires only: send form_elements in display order. Branching is set up with the native API (/v1/questionnaires).';
const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;
const QUESTION_ID = /^[a-z][a-z0-9_]{0,63}$/;

type Texts = Record<string, string>;

function slug(text: string, max: number): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, max);
}

interface Languages {
  defaultLanguage: string;
  languages: string[];
}

/** A translated text (`{"en": "…", "de": "…"}`, or one string for the default language). */
function translated(value: unknown, field: string, langs: Languages, required: boolean): Texts | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) throw DiditError.field(field, 'This field is required.');
    return undefined;
  }
  const texts: Texts =
    typeof value === 'string' ? { [langs.defaultLanguage]: value } : (value as Record<string, string>);
  if (typeof value !== 'string' && (typeof value !== 'object' || Array.isArray(value)))
    throw DiditError.field(field, 'Must be an object of texts by language code, like {"en": "…"}.');
  for (const [lang, text] of Object.entries(texts)) {
    if (!langs.languages.includes(lang))
      throw DiditError.field(field, `"${lang}" is not among the questionnaire's languages.`);
    if (typeof text !== 'string' || text.length > 500)
      throw DiditError.field(field, `The "${lang}" text must be a string of at most 500 characters.`);
  }
  if (required && !texts[langs.defaultLanguage]?.trim())
    throw DiditError.field(field, `Give the text in the default language "${langs.defaultLanguage}".`);
  return texts;
}

function languagesOf(body: Record<string, unknown>, current: Languages | undefined): Languages {
  const def = body['default_language'];
  const list = body['languages'];
  if (def !== undefined && (typeof def !== 'string' || !LANG.test(def)))
    throw DiditError.field('default_language', 'Must be a language code like "en" or "pt-BR".');
  if (
    list !== undefined &&
    (!Array.isArray(list) || !list.length || list.some((l) => typeof l !== 'string' || !LANG.test(l)))
  )
    throw DiditError.field('languages', 'Must be a list of language codes like ["en", "de"].');
  const languages = [...new Set((list as string[] | undefined) ?? current?.languages ?? [])];
  const defaultLanguage = (def as string | undefined) ?? current?.defaultLanguage ?? languages[0] ?? 'en';
  if (!languages.includes(defaultLanguage)) languages.unshift(defaultLanguage);
  return { defaultLanguage, languages };
}

/** One Didit form element as an openidv question, with its texts in the other languages. */
function questionOf(
  element: unknown,
  at: string,
  langs: Languages,
  taken: Set<string>,
): { question: Question; elementType: string; texts: Record<string, Texts | undefined>; options?: Texts[] } {
  if (!element || typeof element !== 'object' || Array.isArray(element))
    throw DiditError.field(at, 'Must be an object.');
  const e = element as Record<string, unknown>;
  for (const k of ['next', 'branches', 'conditions', 'rules', 'visible_if'])
    if (e[k] !== undefined) throw DiditError.field(`${at}.${k}`, LINEAR_ONLY);
  const rawType = e['element_type'];
  if (typeof rawType !== 'string' || !rawType)
    throw DiditError.field(`${at}.element_type`, 'This field is required.');
  const elementType = rawType.toLowerCase();
  const refused = REFUSED[elementType];
  if (refused) throw DiditError.field(`${at}.element_type`, `"${rawType}" is not supported: ${refused}`);
  const type = TO_CORE[elementType];
  if (!type)
    throw DiditError.field(
      `${at}.element_type`,
      `"${rawType}" is not a valid choice; openidv takes ${Object.keys(TO_CORE).join(', ')}.`,
    );
  const label = translated(e['label'] ?? e['title'], `${at}.label`, langs, true)!;
  const help = translated(e['description'], `${at}.description`, langs, false);

  let id = e['id'];
  if (id !== undefined && id !== null) {
    if (typeof id !== 'string' || !QUESTION_ID.test(id))
      throw DiditError.field(`${at}.id`, 'Must be lower-case letters, digits and _, starting with a letter.');
    if (taken.has(id)) throw DiditError.field(`${at}.id`, `"${id}" appears twice.`);
  } else {
    // As Didit does, an element without an id is named after its label.
    let base = slug(label[langs.defaultLanguage]!, 56);
    if (!/^[a-z]/.test(base)) base = `q_${base}`.replace(/_+$/, '');
    id = base;
    for (let n = 2; taken.has(id as string); n++) id = `${base}_${n}`;
  }
  taken.add(id as string);

  const rawOptions = e['options'] ?? e['choices'];
  const choice = type === 'single_choice' || type === 'multiple_choice';
  if (!choice && rawOptions !== undefined)
    throw DiditError.field(`${at}.options`, `A ${elementType} element has no options.`);
  let optionTexts: Texts[] | undefined;
  let options: { value: string; label: string }[] | undefined;
  if (choice) {
    if (!Array.isArray(rawOptions) || !rawOptions.length || rawOptions.length > 100)
      throw DiditError.field(`${at}.options`, `A ${elementType} element needs 1 to 100 options.`);
    optionTexts = [];
    options = rawOptions.map((o, j) => {
      const oat = `${at}.options.${j}`;
      if (!o || typeof o !== 'object') throw DiditError.field(oat, 'Must be an object.');
      const texts = translated((o as Record<string, unknown>)['label'], `${oat}.label`, langs, true)!;
      const value = (o as Record<string, unknown>)['value'];
      if (
        value !== undefined &&
        value !== null &&
        (typeof value !== 'string' || !value || value.length > 100)
      )
        throw DiditError.field(`${oat}.value`, 'Must be a string of 1 to 100 characters.');
      optionTexts!.push(texts);
      // As Didit does, an option without a value is valued after its label.
      const fallback = texts[langs.defaultLanguage]!;
      return {
        value: (value as string | undefined) ?? (slug(fallback, 100) || fallback.slice(0, 100)),
        label: fallback.slice(0, 200),
      };
    });
  }

  const validation = e['validation'];
  let pattern: string | undefined;
  if (validation !== undefined && validation !== null) {
    if (typeof validation !== 'object' || Array.isArray(validation))
      throw DiditError.field(`${at}.validation`, 'Must be an object.');
    for (const [k, v] of Object.entries(validation)) {
      if (k !== 'pattern')
        throw DiditError.field(`${at}.validation.${k}`, 'openidv reads only "pattern" from a validation.');
      if (typeof v !== 'string' || !v || v.length > 500)
        throw DiditError.field(
          `${at}.validation.pattern`,
          'Must be a regular expression of at most 500 characters.',
        );
      if (type !== 'short_text' && type !== 'long_text')
        throw DiditError.field(
          `${at}.validation.pattern`,
          'A pattern applies to short_text and long_text only.',
        );
      pattern = v;
    }
  }
  const required = e['is_required'];
  if (required !== undefined && typeof required !== 'boolean')
    throw DiditError.field(`${at}.is_required`, 'Must be a valid boolean.');

  const question: Question = {
    id: id as string,
    type,
    label: label[langs.defaultLanguage]!.trim(),
    required: required === true,
    ...(help?.[langs.defaultLanguage] && { help: help[langs.defaultLanguage] }),
    ...(options && { options }),
    ...(pattern && { validation: { pattern } }),
  };
  return {
    question,
    elementType: elementType.toUpperCase(),
    texts: { label, help },
    ...(optionTexts && { options: optionTexts }),
  };
}

export interface ParsedQuestionnaire {
  /** The core definition to save (checked again by the domain's validator). */
  definition: QuestionnaireDefinition;
  extra: Omit<DiditQuestionnaireExtra, 'questionnaireId' | 'version'>;
}

/**
 * A Didit create (no `current`) or update body as an openidv definition. An update keeps what it does not send;
 * `form_elements`, when sent, replace the questions, as at Didit.
 */
export function parseDiditQuestionnaire(
  input: unknown,
  current?: { definition: QuestionnaireDefinition; extra: DiditQuestionnaireExtra },
): ParsedQuestionnaire {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw DiditError.field('non_field_errors', 'Invalid data. Expected a dictionary.');
  const body = input as Record<string, unknown>;
  for (const k of ['graph', 'branches']) if (body[k] !== undefined) throw DiditError.field(k, LINEAR_ONLY);
  const status = body['status'];
  if (status === 'draft')
    throw new DiditError(
      400,
      current
        ? 'Cannot revert a published version to draft.'
        : 'openidv has no drafts: a questionnaire is published when it is created.',
    );
  if (status !== undefined && status !== 'published')
    throw DiditError.field('status', `"${String(status)}" is not a valid choice.`);
  const active = body['is_active'];
  if (active !== undefined && typeof active !== 'boolean')
    throw DiditError.field('is_active', 'Must be a valid boolean.');
  if (active === false)
    throw DiditError.field(
      'is_active',
      'openidv questionnaires are always active: delete the questionnaire instead.',
    );

  const title = body['title'];
  if (title !== undefined || !current) {
    if (typeof title !== 'string' || !title.trim() || title.length > 200)
      throw DiditError.field(
        'title',
        title === undefined ? 'This field is required.' : 'Must be a string of 1 to 200 characters.',
      );
  }
  const description = body['description'];
  if (
    description !== undefined &&
    description !== null &&
    (typeof description !== 'string' || description.length > 2000)
  )
    throw DiditError.field('description', 'Must be a string of at most 2000 characters.');

  const before = current && languageInfo(current.definition, current.extra);
  const langs = languagesOf(body, before);
  const base = {
    title: typeof title === 'string' ? title.trim() : current!.definition.title,
    ...(description === undefined
      ? current?.definition.description !== undefined && { description: current.definition.description }
      : typeof description === 'string' && description && { description }),
  };

  const elements = body['form_elements'];
  if (elements === undefined && current) {
    // Without form_elements the questions stay; their texts are kept in the languages they have.
    if (
      langs.defaultLanguage !== before!.defaultLanguage ||
      langs.languages.some((l) => !before!.languages.includes(l))
    )
      throw DiditError.field(
        'form_elements',
        'Send form_elements with their texts when changing default_language or adding languages.',
      );
    const { questions, translations } = current.definition;
    return {
      definition: { ...base, questions, ...(translations && { translations }) },
      extra: { ...langs, ...(current.extra.elementTypes && { elementTypes: current.extra.elementTypes }) },
    };
  }
  if (!Array.isArray(elements) || !elements.length || elements.length > 200)
    throw DiditError.field(
      'form_elements',
      elements === undefined ? 'This field is required.' : 'Must be a list of 1 to 200 form elements.',
    );

  const taken = new Set<string>();
  const parsed = elements.map((e, i) => questionOf(e, `form_elements.${i}`, langs, taken));
  const translations: NonNullable<QuestionnaireDefinition['translations']> = {};
  for (const lang of langs.languages) {
    if (lang === langs.defaultLanguage) continue;
    const questions: Record<string, { label?: string; help?: string; options?: Record<string, string> }> = {};
    for (const p of parsed) {
      const label = p.texts['label']?.[lang];
      const help = p.texts['help']?.[lang];
      const options = Object.fromEntries(
        (p.options ?? [])
          .map((t, j) => [p.question.options![j]!.value, t[lang]] as const)
          .filter((x): x is readonly [string, string] => !!x[1]),
      );
      const q = {
        ...(label && { label }),
        ...(help && { help }),
        ...(Object.keys(options).length && { options }),
      };
      if (Object.keys(q).length) questions[p.question.id] = q;
    }
    if (Object.keys(questions).length) translations[lang] = { questions };
  }
  // Only the element types openidv's question type does not say by itself are kept.
  const elementTypes = Object.fromEntries(
    parsed
      .filter((p) => p.elementType !== FROM_CORE[p.question.type])
      .map((p) => [p.question.id, p.elementType]),
  );
  return {
    definition: {
      ...base,
      questions: parsed.map((p) => p.question),
      ...(Object.keys(translations).length && { translations }),
    },
    extra: { ...langs, ...(Object.keys(elementTypes).length && { elementTypes }) },
  };
}

/** The languages Didit shows: as the dialect was given them, or the base (taken as English) and translations. */
function languageInfo(def: QuestionnaireDefinition, extra: Partial<DiditQuestionnaireExtra>): Languages {
  const defaultLanguage = extra.defaultLanguage ?? 'en';
  const languages = extra.languages ?? [defaultLanguage, ...Object.keys(def.translations ?? {})];
  return { defaultLanguage, languages: [...new Set(languages)] };
}

/** A stable UUID for a question of a version (RFC 9562 version 8, from a SHA-256). */
function itemUuid(versionUuid: string, questionId: string): string {
  const h = createHash('sha256').update(`${versionUuid}:${questionId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const YES_NO = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

function elementType(q: Question, extra: Partial<DiditQuestionnaireExtra>): string {
  return extra.elementTypes?.[q.id] ?? FROM_CORE[q.type];
}

/** A questionnaire version as Didit's GET, POST and PATCH answer it. */
export async function questionnaireBody(
  db: Executor,
  link: DialectIdRow,
  def: QuestionnaireDefinition,
  dates: { createdAt: Date; updatedAt: Date; publishedAt: Date | null },
) {
  const extra = extraOf(link);
  const langs = languageInfo(def, extra);
  const textsOf = (
    base: string | undefined,
    pick: (tr: NonNullable<QuestionnaireDefinition['translations']>[string]) => string | undefined,
  ) => {
    if (base === undefined) return undefined;
    const texts: Texts = { [langs.defaultLanguage]: base };
    for (const [lang, tr] of Object.entries(def.translations ?? {})) {
      const t = pick(tr);
      if (t && lang !== langs.defaultLanguage) texts[lang] = t;
    }
    return texts;
  };
  const nodes: Record<string, unknown> = {};
  def.questions.forEach((q, i) => {
    const options = q.type === 'yes_no' ? YES_NO : q.options;
    nodes[q.id] = {
      element_type: elementType(q, extra),
      is_required: q.required,
      title: textsOf(q.label, (tr) => tr.questions?.[q.id]?.label),
      ...(q.help !== undefined && { description: textsOf(q.help, (tr) => tr.questions?.[q.id]?.help) }),
      ...(options && {
        choices: options.map((o) => ({
          value: o.value,
          label: textsOf(o.label, (tr) => tr.questions?.[q.id]?.options?.[o.value]),
        })),
      }),
      ...(q.validation?.pattern !== undefined && { validation: { pattern: q.validation.pattern } }),
      // Branching made with the native API; Didit's own graph branches are not produced.
      ...(q.showIf && { show_if: q.showIf }),
      next: def.questions[i + 1]?.id ?? null,
    };
  });
  return {
    questionnaire_id: link.externalId,
    uuid: link.externalId,
    title: def.title,
    description: def.description ?? null,
    languages: langs.languages,
    default_language: langs.defaultLanguage,
    is_active: true,
    is_simple_questionnaire: !def.questions.some((q) => q.showIf),
    graph: { start_node: def.questions[0]?.id ?? null, nodes },
    sections: [
      {
        title: {},
        description: {},
        items: def.questions.map((q, i) => ({
          uuid: itemUuid(link.externalId, q.id),
          value: q.id,
          order: i,
          element_type: elementType(q, extra),
          is_required: q.required,
          title: textsOf(q.label, (tr) => tr.questions?.[q.id]?.label),
        })),
      },
    ],
    questionnaire_group_id: await groupIdOf(db, link.applicationId, extra.questionnaireId),
    version: extra.version,
    status: 'published',
    published_at: dates.publishedAt?.toISOString() ?? null,
    is_editable: false,
    question_types: [...new Set(def.questions.map((q) => elementType(q, extra)))],
    created_at: dates.createdAt.toISOString(),
    updated_at: dates.updatedAt.toISOString(),
  };
}

function answerOf(q: Question, value: AnswerValue | undefined) {
  if (value === undefined) return null;
  if (q.type === 'yes_no') return { value: value ? 'yes' : 'no' };
  return { value };
}

/**
 * Didit's `questionnaire_responses[]` for a session: null until the applicant (or the API) answered, then one
 * entry for the workflow's questionnaire with the questions shown (branching hides the rest) and their answers,
 * texts in the session's language where the questionnaire has it.
 */
export async function questionnaireResponses(db: Executor, session: Session) {
  const answers = await questionnaires.findAnswers(db, session.id);
  if (!answers) return null;
  const def = await questionnaires.findQuestionnaireVersion(
    db,
    answers.questionnaireId,
    answers.questionnaireVersion,
  );
  if (!def) return null;
  const link = await versionLink(
    db,
    session.applicationId,
    answers.questionnaireId,
    answers.questionnaireVersion,
  );
  const extra = extraOf(link);
  const langs = languageInfo(def, extra);
  const locale = session.locale ?? '';
  const lang = def.translations?.[locale] ? locale : locale.split('-')[0]!;
  const local = localizeQuestionnaire(def, lang);
  const shown = visibleQuestionIds(def, answers.answers);
  const items = local.questions
    .filter((q) => shown.has(q.id))
    .map((q, i) => {
      const options = q.type === 'yes_no' ? YES_NO : q.options;
      return {
        uuid: itemUuid(link.externalId, q.id),
        value: q.id,
        order: i,
        element_type: elementType(q, extra),
        is_required: q.required,
        title: q.label,
        description: q.help ?? null,
        placeholder: null,
        choices: options?.map((o) => ({ value: o.value, label: o.label })) ?? null,
        answer: answerOf(q, answers.answers[q.id]),
      };
    });
  return [
    {
      node_id: 'feature_questionnaire',
      questionnaire_id: link.externalId,
      questionnaire_group_id: await groupIdOf(db, session.applicationId, answers.questionnaireId),
      version: answers.questionnaireVersion,
      title: local.title,
      description: local.description ?? null,
      languages: langs.languages,
      default_language: langs.defaultLanguage,
      // openidv stores answers only once every shown required question is answered and valid.
      status: 'Approved',
      answered_at: answers.updatedAt.toISOString(),
      sections: [{ title: null, description: null, items }],
    },
  ];
}
