/**
 * The parts of a questionnaire that the applicant journey runs in the browser as well as the server: which
 * questions are shown for the answers given so far, and the text of a question in a language. No zod and no
 * Node built-ins here, so the journey bundle can import this file alone (`@openidv/domain/questionnaire-logic`).
 */

export const QUESTION_TYPES = [
  'short_text',
  'long_text',
  'single_choice',
  'multiple_choice',
  'yes_no',
  'date',
  'number',
  'email',
  'phone',
  'country',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** Types whose answer is one of the question's options. */
export const CHOICE_TYPES: readonly QuestionType[] = ['single_choice', 'multiple_choice'];

export type AnswerScalar = string | number | boolean;
export type AnswerValue = AnswerScalar | string[];
export type Answers = Record<string, AnswerValue>;

/** Show the question only when the answer to `question` equals `equals`, or is (or, for multiple choice, includes) one of `in`. */
export interface ShowIf {
  question: string;
  equals?: AnswerScalar | undefined;
  in?: AnswerScalar[] | undefined;
}

export interface QuestionOption {
  value: string;
  label: string;
}

export interface QuestionValidation {
  /** Numbers: the smallest value; texts: the fewest characters; multiple choice: the fewest picks. */
  min?: number | undefined;
  /** Numbers: the largest value; texts: the most characters; multiple choice: the most picks. */
  max?: number | undefined;
  /** Texts: a regular expression the whole answer must match. */
  pattern?: string | undefined;
  /** Dates: the earliest and latest accepted day, YYYY-MM-DD. */
  minDate?: string | undefined;
  maxDate?: string | undefined;
}

export interface Question {
  id: string;
  type: QuestionType;
  label: string;
  help?: string | undefined;
  required: boolean;
  options?: QuestionOption[] | undefined;
  validation?: QuestionValidation | undefined;
  showIf?: ShowIf | undefined;
}

export interface QuestionTranslation {
  label?: string | undefined;
  help?: string | undefined;
  /** Option labels by option value. */
  options?: Record<string, string> | undefined;
}

export interface QuestionnaireTranslation {
  title?: string | undefined;
  description?: string | undefined;
  questions?: Record<string, QuestionTranslation> | undefined;
}

export interface QuestionnaireContent {
  title: string;
  description?: string | undefined;
  questions: Question[];
  /** By language code (`de`, `fr`, `ar`…); what is missing falls back to the base texts. */
  translations?: Record<string, QuestionnaireTranslation> | undefined;
}

function matches(condition: ShowIf, answer: AnswerValue | undefined): boolean {
  if (answer === undefined || answer === '') return false;
  const wanted = condition.in ?? (condition.equals !== undefined ? [condition.equals] : []);
  const given = Array.isArray(answer) ? answer : [answer];
  return given.some((g) => wanted.some((w) => w === g));
}

/**
 * The ids of the questions shown for these answers, in order. A question with `showIf` is shown when the
 * question it depends on is shown and its answer matches; so hiding a question hides everything that hangs on it.
 * Definitions are checked for cycles when saved; a cycle here would make its questions hidden, not loop.
 */
export function visibleQuestionIds(
  questionnaire: Pick<QuestionnaireContent, 'questions'>,
  answers: Answers,
): Set<string> {
  const byId = new Map(questionnaire.questions.map((q) => [q.id, q]));
  const memo = new Map<string, boolean>();
  const visible = (id: string, path: Set<string>): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const q = byId.get(id);
    let result = false;
    if (q && !path.has(id)) {
      if (!q.showIf) result = true;
      else {
        path.add(id);
        result = visible(q.showIf.question, path) && matches(q.showIf, answers[q.showIf.question]);
        path.delete(id);
      }
    }
    memo.set(id, result);
    return result;
  };
  return new Set(questionnaire.questions.filter((q) => visible(q.id, new Set())).map((q) => q.id));
}

/** The questionnaire's texts in `lang` (falling back to the base texts piece by piece). */
export function localizeQuestionnaire<T extends QuestionnaireContent>(questionnaire: T, lang: string): T {
  const tr = questionnaire.translations?.[lang];
  if (!tr) return questionnaire;
  return {
    ...questionnaire,
    title: tr.title || questionnaire.title,
    description: tr.description || questionnaire.description,
    questions: questionnaire.questions.map((q) => {
      const qt = tr.questions?.[q.id];
      if (!qt) return q;
      return {
        ...q,
        label: qt.label || q.label,
        help: qt.help || q.help,
        options: q.options?.map((o) => ({ ...o, label: qt.options?.[o.value] || o.label })),
      };
    }),
  };
}
