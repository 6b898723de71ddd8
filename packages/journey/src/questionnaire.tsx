import {
  type Answers,
  type AnswerValue,
  localizeQuestionnaire,
  type Question,
  visibleQuestionIds,
} from '@openidv/domain/questionnaire-logic';
import type { JSX } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, type Questionnaire } from './api.ts';
import type { MessageKey, Translate } from './i18n/index.ts';
import { Heading } from './ui.tsx';

/** What the inputs hold: text as typed (numbers too, until sent), yes/no as booleans, multiple choice as lists. */
type Draft = Record<string, string | boolean | string[]>;

function filled(v: Draft[string] | undefined): boolean {
  return v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
}

/** The draft as the API takes it: numbers as numbers, texts trimmed, empty answers left out. */
function toAnswers(questions: Question[], draft: Draft): Answers {
  const out: Answers = {};
  for (const q of questions) {
    const v = draft[q.id];
    if (!filled(v)) continue;
    if (q.type === 'number' && typeof v === 'string') out[q.id] = Number(v.replace(',', '.'));
    else out[q.id] = typeof v === 'string' ? v.trim() : (v as AnswerValue);
  }
  return out;
}

/** A message of the page's own, kept as its key so that it follows a change of language. */
type Note = { key: MessageKey; vars?: Record<string, number> } | { text: string };

/** The checks the page can make without the server; the server checks again. */
function problem(q: Question, v: Draft[string] | undefined): Note | null {
  const note = (key: MessageKey, vars?: Record<string, number>): Note => (vars ? { key, vars } : { key });
  if (!filled(v)) return q.required ? note('qRequired') : null;
  const rule = q.validation ?? {};
  if (q.type === 'number') {
    const n = Number(String(v).replace(',', '.'));
    if (!Number.isFinite(n)) return note('qInvalid');
    if (rule.min !== undefined && n < rule.min) return note('qTooLow', { min: rule.min });
    if (rule.max !== undefined && n > rule.max) return note('qTooHigh', { max: rule.max });
  }
  if ((q.type === 'short_text' || q.type === 'long_text') && typeof v === 'string') {
    const length = [...v.trim()].length;
    if ((rule.min !== undefined && length < rule.min) || (rule.max !== undefined && length > rule.max))
      return note('qInvalid');
    if (rule.pattern !== undefined) {
      try {
        if (!new RegExp(`^(?:${rule.pattern})$`, 'u').test(v.trim())) return note('qInvalid');
      } catch {}
    }
  }
  if (q.type === 'multiple_choice' && Array.isArray(v)) {
    if ((rule.min !== undefined && v.length < rule.min) || (rule.max !== undefined && v.length > rule.max))
      return note('qInvalid');
  }
  if (q.type === 'date' && typeof v === 'string') {
    if ((rule.minDate && v < rule.minDate) || (rule.maxDate && v > rule.maxDate)) return note('qInvalid');
  }
  if (q.type === 'email' && typeof v === 'string' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()))
    return note('qInvalid');
  return null;
}

/**
 * The workflow's questionnaire, in the applicant's language: follow-up questions appear and disappear as the
 * answers they hang on change (announced politely), errors are tied to their fields and summarised in an alert.
 */
export function QuestionnaireStep(props: {
  t: Translate;
  lang: string;
  questionnaire: Questionnaire;
  label: string | undefined;
  onDone(answers: Answers): Promise<void>;
}) {
  const { t } = props;
  const q = useMemo(
    () => localizeQuestionnaire(props.questionnaire, props.lang),
    [props.questionnaire, props.lang],
  );
  const [draft, setDraft] = useState<Draft>({});
  const [errors, setErrors] = useState<Record<string, Note>>({});
  const [summary, setSummary] = useState<Note | null>(null);
  const say = (n: Note) => ('key' in n ? t(n.key, n.vars) : n.text);
  const [busy, setBusy] = useState(false);
  const summaryRef = useRef<HTMLParagraphElement>(null);
  const answers = toAnswers(q.questions, draft);
  const shown = visibleQuestionIds(q, answers);
  const questions = q.questions.filter((x) => shown.has(x.id));
  const names = useMemo(() => {
    try {
      return new Intl.DisplayNames([props.lang], { type: 'region' });
    } catch {
      return null;
    }
  }, [props.lang]);
  const countries = useMemo(
    () =>
      props.questionnaire.countries
        .map((code) => ({ code, name: names?.of(code) ?? code }))
        .sort((a, b) => a.name.localeCompare(b.name, props.lang)),
    [props.questionnaire.countries, names, props.lang],
  );

  const set = (id: string, v: Draft[string]) => {
    setDraft((d) => ({ ...d, [id]: v }));
    if (!errors[id]) return;
    const { [id]: _, ...rest } = errors;
    setErrors(rest);
    if (!Object.keys(rest).length) setSummary(null);
  };

  const fail = (found: Record<string, Note>) => {
    setErrors(found);
    setSummary({ key: 'qErrors' });
    // Focus the summary so screen readers read it; the first field with an error follows on Tab.
    requestAnimationFrame(() => summaryRef.current?.focus());
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Record<string, Note> = {};
    for (const x of questions) {
      const p = problem(x, draft[x.id]);
      if (p) found[x.id] = p;
    }
    if (Object.keys(found).length) return fail(found);
    setBusy(true);
    setSummary(null);
    try {
      await props.onDone(answers);
    } catch (err) {
      setBusy(false);
      // The server names each question ("id: problem"); the page shows its own words in the applicant's language.
      const problems = (err instanceof ApiError && (err.details?.['problems'] as string[] | undefined)) || [];
      const byId: Record<string, Note> = {};
      for (const p of problems) {
        const id = p.slice(0, p.indexOf(':'));
        if (shown.has(id)) byId[id] = { key: p.endsWith('an answer is required') ? 'qRequired' : 'qInvalid' };
      }
      if (Object.keys(byId).length) fail(byId);
      else setSummary(err instanceof ApiError && err.status ? { text: err.message } : { key: 'errorText' });
    }
  };

  const describedBy = (x: Question) =>
    [x.help && `help-${x.id}`, errors[x.id] && `err-${x.id}`].filter(Boolean).join(' ') || undefined;
  const mark = (x: Question) =>
    x.required ? (
      <span class="req" aria-hidden="true">
        {' *'}
      </span>
    ) : (
      <span class="muted"> ({t('optional')})</span>
    );
  const after = (x: Question) => (
    <>
      {x.help && (
        <small id={`help-${x.id}`} class="muted" dir="auto">
          {x.help}
        </small>
      )}
      {errors[x.id] && (
        <small id={`err-${x.id}`} class="error">
          {say(errors[x.id]!)}
        </small>
      )}
    </>
  );

  const field = (x: Question) => {
    const v = draft[x.id];
    const common = {
      id: `q-${x.id}`,
      name: x.id,
      required: x.required,
      'aria-invalid': errors[x.id] ? true : undefined,
      'aria-describedby': describedBy(x),
    };
    const text = (typeof v === 'string' ? v : '') as string;
    const onText = (e: Event) => set(x.id, (e.currentTarget as HTMLInputElement).value);
    if (x.type === 'yes_no' || x.type === 'single_choice' || x.type === 'multiple_choice') {
      const options =
        x.type === 'yes_no'
          ? [
              { value: 'true', label: t('yes') },
              { value: 'false', label: t('no') },
            ]
          : (x.options ?? []);
      const multiple = x.type === 'multiple_choice';
      const picked = (value: string) =>
        x.type === 'yes_no'
          ? String(v) === value
          : multiple
            ? Array.isArray(v) && v.includes(value)
            : v === value;
      return (
        <fieldset
          key={x.id}
          class="question"
          aria-invalid={errors[x.id] ? true : undefined}
          aria-describedby={describedBy(x)}
        >
          <legend>
            <span dir="auto">{x.label}</span>
            {mark(x)}
          </legend>
          {options.map((o) => (
            <label key={o.value} class={`choice ${picked(o.value) ? 'on' : ''}`}>
              <input
                type={multiple ? 'checkbox' : 'radio'}
                name={x.id}
                value={o.value}
                checked={picked(o.value)}
                required={x.required && !multiple}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  if (x.type === 'yes_no') set(x.id, o.value === 'true');
                  else if (!multiple) set(x.id, o.value);
                  else {
                    const list = Array.isArray(v) ? v : [];
                    set(x.id, on ? [...list, o.value] : list.filter((y) => y !== o.value));
                  }
                }}
              />
              <span dir="auto">{o.label}</span>
            </label>
          ))}
          {after(x)}
        </fieldset>
      );
    }
    let input: JSX.Element;
    switch (x.type) {
      case 'long_text':
        input = <textarea {...common} rows={4} value={text} onInput={onText} />;
        break;
      case 'country':
        input = (
          <select {...common} value={text} onChange={onText} autocomplete="country">
            <option value="">{t('chooseCountry')}</option>
            {countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        );
        break;
      case 'number':
        input = <input {...common} type="text" inputMode="decimal" value={text} onInput={onText} />;
        break;
      case 'date':
        input = (
          <input
            {...common}
            type="date"
            min={x.validation?.minDate}
            max={x.validation?.maxDate}
            value={text}
            onInput={onText}
          />
        );
        break;
      case 'email':
        input = (
          <input {...common} type="email" autocomplete="email" dir="ltr" value={text} onInput={onText} />
        );
        break;
      case 'phone':
        input = <input {...common} type="tel" autocomplete="tel" dir="ltr" value={text} onInput={onText} />;
        break;
      default:
        input = <input {...common} type="text" value={text} onInput={onText} />;
    }
    return (
      <div class="field" key={x.id}>
        <label for={`q-${x.id}`}>
          <span dir="auto">{x.label}</span>
          {mark(x)}
        </label>
        {input}
        {after(x)}
      </div>
    );
  };

  return (
    <section class="screen" aria-labelledby="h">
      <Heading>{q.title}</Heading>
      {props.label && <p class="muted">{props.label}</p>}
      {q.description && <p dir="auto">{q.description}</p>}
      {q.questions.some((x) => x.required) && <p class="muted">{t('qRequiredNote')}</p>}
      <form noValidate onSubmit={submit}>
        {/* Follow-up questions are added in place; the region tells screen readers when the form grows. */}
        <div aria-live="polite" aria-relevant="additions">
          {questions.map(field)}
        </div>
        {summary && (
          <p class="error" role="alert" tabIndex={-1} ref={summaryRef}>
            {say(summary)}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {busy ? t('sending') : t('continue')}
          </button>
        </div>
      </form>
    </section>
  );
}
