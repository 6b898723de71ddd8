import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/error-codes.ts';
import {
  type AnswerNormalizers,
  checkAnswers,
  localizeQuestionnaire,
  validateQuestionnaireDefinition,
  visibleQuestionIds,
} from './questionnaire.ts';

const normalizers: AnswerNormalizers = {
  phone: (v) => (/^\+\d{8,15}$/.test(v.replace(/\s/g, '')) ? v.replace(/\s/g, '') : null),
  country: (v) => (['EE', 'DE'].includes(v.toUpperCase()) ? v.toUpperCase() : null),
};

const base = {
  title: 'About you',
  questions: [
    { id: 'employed', type: 'yes_no', label: 'Are you employed?', required: true },
    {
      id: 'employer',
      type: 'short_text',
      label: 'Employer',
      required: true,
      showIf: { question: 'employed', equals: true },
      validation: { min: 2, max: 50 },
    },
    {
      id: 'sources',
      type: 'multiple_choice',
      label: 'Source of funds',
      options: [
        { value: 'salary', label: 'Salary' },
        { value: 'savings', label: 'Savings' },
        { value: 'other', label: 'Other' },
      ],
      validation: { max: 2 },
    },
    {
      id: 'other_source',
      type: 'long_text',
      label: 'Which other source?',
      required: true,
      showIf: { question: 'sources', in: ['other'] },
    },
    { id: 'age', type: 'number', label: 'Age', validation: { min: 18, max: 120 } },
    { id: 'born', type: 'date', label: 'Born', validation: { maxDate: '2010-01-01' } },
    { id: 'email', type: 'email', label: 'Email' },
    { id: 'phone', type: 'phone', label: 'Phone' },
    { id: 'home', type: 'country', label: 'Country' },
    { id: 'code', type: 'short_text', label: 'Code', validation: { pattern: '[A-Z]{3}' } },
  ],
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return (e.details?.['problems'] as string[]) ?? [e.message];
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('questionnaire definitions', () => {
  it('accepts a well-formed definition and fills in defaults', () => {
    const def = validateQuestionnaireDefinition(base);
    expect(def.questions.find((q) => q.id === 'age')?.required).toBe(false);
  });

  it('refuses duplicate ids, choices without options and options on other types', () => {
    const problems = problemsOf(() =>
      validateQuestionnaireDefinition({
        title: 'x',
        questions: [
          { id: 'a', type: 'single_choice', label: 'A' },
          { id: 'a', type: 'short_text', label: 'A again', options: [{ value: 'x', label: 'X' }] },
        ],
      }),
    );
    expect(problems).toEqual([
      'questions[0].options: a single_choice question needs options',
      'questions[1].id: "a" appears twice',
      'questions[1].options: only choice questions have options',
    ]);
  });

  it('refuses branching on unknown questions, unknown options, itself, and in cycles', () => {
    const problems = problemsOf(() =>
      validateQuestionnaireDefinition({
        title: 'x',
        questions: [
          { id: 'a', type: 'yes_no', label: 'A', showIf: { question: 'b', equals: true } },
          { id: 'b', type: 'yes_no', label: 'B', showIf: { question: 'a', equals: true } },
          { id: 'c', type: 'short_text', label: 'C', showIf: { question: 'nope', equals: 'x' } },
          { id: 'd', type: 'short_text', label: 'D', showIf: { question: 'd', equals: 'x' } },
          {
            id: 'e',
            type: 'single_choice',
            label: 'E',
            options: [{ value: 'one', label: 'One' }],
          },
          { id: 'f', type: 'short_text', label: 'F', showIf: { question: 'e', in: ['two'] } },
          { id: 'g', type: 'short_text', label: 'G', showIf: { question: 'a', equals: 'yes' } },
        ],
      }),
    );
    expect(problems).toContain('questions[2].showIf.question: no question "nope"');
    expect(problems).toContain('questions[3].showIf.question: a question cannot depend on itself');
    expect(problems).toContain('questions[5].showIf: "two" is not an option of "e"');
    expect(problems).toContain('questions[6].showIf: "a" is a yes_no question; compare with true or false');
    expect(problems.filter((p) => p.includes('cycle'))).toEqual([
      'showIf: the questions a → b → a depend on each other in a cycle',
    ]);
  });

  it('refuses validations that do not fit the type, bad patterns and translations of unknown questions', () => {
    const problems = problemsOf(() =>
      validateQuestionnaireDefinition({
        title: 'x',
        questions: [
          { id: 'a', type: 'yes_no', label: 'A', validation: { min: 1 } },
          { id: 'b', type: 'short_text', label: 'B', validation: { pattern: '([a-z' } },
          { id: 'c', type: 'number', label: 'C', validation: { min: 5, max: 1 } },
        ],
        translations: { de: { questions: { z: { label: 'Z' } } } },
      }),
    );
    expect(problems).toEqual([
      'questions[0].validation: min/max do not apply to yes_no',
      'questions[1].validation.pattern: not a valid regular expression',
      'questions[2].validation: min is greater than max',
      'translations.de.questions: no question "z"',
    ]);
  });

  it('reports shape errors with their path', () => {
    const problems = problemsOf(() => validateQuestionnaireDefinition({ title: '', questions: [] }));
    expect(problems.some((p) => p.startsWith('title:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('questions:'))).toBe(true);
  });
});

describe('branching', () => {
  const def = validateQuestionnaireDefinition(base);
  it('shows a follow-up only when the answer it hangs on matches', () => {
    expect(visibleQuestionIds(def, {}).has('employer')).toBe(false);
    expect(visibleQuestionIds(def, { employed: false }).has('employer')).toBe(false);
    expect(visibleQuestionIds(def, { employed: true }).has('employer')).toBe(true);
    expect(visibleQuestionIds(def, { sources: ['salary', 'other'] }).has('other_source')).toBe(true);
    expect(visibleQuestionIds(def, { sources: ['salary'] }).has('other_source')).toBe(false);
  });

  it('hides a chain when its first link is hidden', () => {
    const chain = validateQuestionnaireDefinition({
      title: 'x',
      questions: [
        { id: 'a', type: 'yes_no', label: 'A' },
        { id: 'b', type: 'yes_no', label: 'B', showIf: { question: 'a', equals: true } },
        { id: 'c', type: 'short_text', label: 'C', showIf: { question: 'b', equals: true } },
      ],
    });
    expect([...visibleQuestionIds(chain, { a: false, b: true })]).toEqual(['a']);
    expect([...visibleQuestionIds(chain, { a: true, b: true })]).toEqual(['a', 'b', 'c']);
  });
});

describe('answers', () => {
  const def = validateQuestionnaireDefinition(base);

  it('normalises valid answers and drops answers to hidden questions', () => {
    const r = checkAnswers(
      def,
      {
        employed: false,
        employer: 'Acme',
        sources: ['salary', 'salary'],
        age: 30,
        born: '1990-05-01',
        email: ' a@example.com ',
        phone: '+372 5123 4567',
        home: 'ee',
        code: 'ABC',
      },
      normalizers,
    );
    expect(r.dropped).toEqual(['employer']);
    expect(r.answers).toEqual({
      employed: false,
      sources: ['salary'],
      age: 30,
      born: '1990-05-01',
      email: 'a@example.com',
      phone: '+37251234567',
      home: 'EE',
      code: 'ABC',
    });
  });

  it('requires the shown required questions, and refuses wrong types, ranges and unknown ids', () => {
    const problems = problemsOf(() =>
      checkAnswers(
        def,
        {
          employed: 'yes',
          sources: ['salary', 'savings', 'other'],
          age: 12,
          born: '2012-02-30',
          email: 'not-an-email',
          phone: '12',
          home: 'Atlantis',
          code: 'abc',
          shoe_size: 42,
        },
        normalizers,
      ),
    );
    expect(problems).toEqual([
      'shoe_size: no such question',
      'employed: must be true or false',
      'sources: must be at most 2 choices',
      'age: must be at least 18',
      'born: must be a date, YYYY-MM-DD',
      'email: must be an email address',
      'phone: must be a phone number with its country code, like +372 5123 4567',
      'home: must be an ISO 3166-1 country code, like "EE" or "EST"',
      'code: is not in the expected format',
    ]);
    expect(problemsOf(() => checkAnswers(def, { employed: true }, normalizers))).toEqual([
      'employer: an answer is required',
    ]);
  });

  it('a text starting with "!" is just text', () => {
    const free = validateQuestionnaireDefinition({
      title: 'x',
      questions: [{ id: 'note', type: 'short_text', label: 'Note' }],
    });
    expect(checkAnswers(free, { note: '!important' }, normalizers).answers).toEqual({ note: '!important' });
  });
});

describe('translations', () => {
  it('replaces the texts given for a language and keeps the rest', () => {
    const def = validateQuestionnaireDefinition({
      ...base,
      translations: {
        de: {
          title: 'Über Sie',
          questions: {
            employed: { label: 'Sind Sie angestellt?' },
            sources: { options: { salary: 'Gehalt' } },
          },
        },
      },
    });
    const de = localizeQuestionnaire(def, 'de');
    expect(de.title).toBe('Über Sie');
    expect(de.questions[0]?.label).toBe('Sind Sie angestellt?');
    expect(de.questions[1]?.label).toBe('Employer');
    expect(de.questions[2]?.options?.map((o) => o.label)).toEqual(['Gehalt', 'Savings', 'Other']);
    expect(localizeQuestionnaire(def, 'fr')).toBe(def);
  });
});
