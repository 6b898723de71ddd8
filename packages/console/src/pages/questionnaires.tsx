import {
  type Answers,
  type AnswerValue,
  localizeQuestionnaire,
  QUESTION_TYPES,
  type Question,
  type QuestionnaireContent,
  type QuestionnaireTranslation,
  type QuestionType,
  visibleQuestionIds,
} from '@openidv/domain/questionnaire-logic';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, can, type Me } from '../api.ts';
import { Empty, ErrorBox, Field, Loading, PageHeader, useAction, useAsync, when } from '../ui.tsx';

/** The journey's languages besides English: the ones a questionnaire can be translated into here. */
const LANGUAGES: Record<string, string> = {
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  et: 'Estonian',
  ar: 'Arabic',
};
const TYPE_NAMES: Record<QuestionType, string> = {
  short_text: 'Short text',
  long_text: 'Long text',
  single_choice: 'Single choice',
  multiple_choice: 'Multiple choice',
  yes_no: 'Yes / no',
  date: 'Date',
  number: 'Number',
  email: 'Email',
  phone: 'Phone',
  country: 'Country',
};
const CHOICE: readonly QuestionType[] = ['single_choice', 'multiple_choice'];

interface Draft extends QuestionnaireContent {
  id: string | null;
  translations: Record<string, QuestionnaireTranslation>;
}

const blank = (): Draft => ({
  id: null,
  title: 'New questionnaire',
  description: '',
  questions: [{ id: 'question_1', type: 'short_text', label: 'Your question', required: false }],
  translations: {},
});

export function QuestionnairesPage({ me }: { me: Me }) {
  const list = useAsync(() => api('GET', '/questionnaires'), []);
  const [draft, setDraft] = useState<Draft | null>(null);
  // Kept here: saving a new questionnaire gives it an id, which mounts a fresh editor.
  const [notice, setNotice] = useState('');
  const editable = can(me, 'admin');
  useEffect(() => {
    if (!draft && list.data?.data?.length) open(list.data.data[0]);
  }, [list.data]);
  const open = (q: any, note = '') => {
    setNotice(note);
    setDraft({
      id: q.id,
      title: q.title,
      description: q.description ?? '',
      questions: q.questions,
      translations: q.translations ?? {},
    });
  };
  return (
    <section>
      <PageHeader title="Questionnaires">
        {editable && (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setNotice('');
              setDraft(blank());
            }}
          >
            New questionnaire
          </button>
        )}
      </PageHeader>
      <p class="muted">
        Questions the applicant answers in the journey, when a workflow asks for them. Saving makes a new
        version; workflows keep the version they were saved with until they are saved again.
      </p>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <>
          {/* The list sits above, so the editor and its preview get the width to stand side by side. */}
          {list.data.data.length === 0 && <Empty>No questionnaires yet.</Empty>}
          <ul class="list q-list" aria-label="Questionnaires" hidden={list.data.data.length === 0}>
            {list.data.data.map((q: any) => (
              <li key={q.id} class={draft?.id === q.id ? 'selected' : ''}>
                <button type="button" class="link" aria-pressed={draft?.id === q.id} onClick={() => open(q)}>
                  {q.title}
                </button>
                <span class="muted">
                  v{q.version} · {q.questions.length} questions · {when(q.updatedAt)}
                </span>
              </li>
            ))}
          </ul>
          {draft ? (
            <Editor
              key={draft.id ?? 'new'}
              draft={draft}
              editable={editable}
              notice={notice}
              onSaved={(q) => {
                list.reload();
                open(q, `Saved as version ${q.version}.`);
              }}
              onArchived={() => {
                setDraft(null);
                list.reload();
              }}
            />
          ) : (
            list.data.data.length > 0 && <Empty>Choose a questionnaire.</Empty>
          )}
        </>
      )}
    </section>
  );
}

/** The definition as the API takes it: empty texts and empty translations left out. */
function toBody(d: Draft) {
  const translations: Record<string, QuestionnaireTranslation> = {};
  for (const [lang, tr] of Object.entries(d.translations)) {
    const questions: NonNullable<QuestionnaireTranslation['questions']> = {};
    for (const [id, qt] of Object.entries(tr.questions ?? {})) {
      const options = Object.fromEntries(Object.entries(qt.options ?? {}).filter(([, v]) => v.trim()));
      const entry = {
        ...(qt.label?.trim() && { label: qt.label.trim() }),
        ...(qt.help?.trim() && { help: qt.help.trim() }),
        ...(Object.keys(options).length && { options }),
      };
      if (Object.keys(entry).length && d.questions.some((q) => q.id === id)) questions[id] = entry;
    }
    const entry = {
      ...(tr.title?.trim() && { title: tr.title.trim() }),
      ...(tr.description?.trim() && { description: tr.description.trim() }),
      ...(Object.keys(questions).length && { questions }),
    };
    if (Object.keys(entry).length) translations[lang] = entry;
  }
  return {
    title: d.title,
    ...(d.description?.trim() && { description: d.description.trim() }),
    questions: d.questions.map((q) => ({
      id: q.id,
      type: q.type,
      label: q.label,
      ...(q.help?.trim() && { help: q.help.trim() }),
      required: q.required,
      ...(CHOICE.includes(q.type) && { options: q.options ?? [] }),
      ...(q.validation && Object.keys(q.validation).length && { validation: q.validation }),
      ...(q.showIf && { showIf: q.showIf }),
    })),
    ...(Object.keys(translations).length && { translations }),
  };
}

function Editor(props: {
  draft: Draft;
  notice: string;
  editable: boolean;
  onSaved: (q: any) => void;
  onArchived: () => void;
}) {
  const [d, setD] = useState<Draft>(props.draft);
  const [lang, setLang] = useState('de');
  const action = useAction();
  const setQ = (i: number, change: Partial<Question>) =>
    setD({ ...d, questions: d.questions.map((q, j) => (j === i ? { ...q, ...change } : q)) });
  const move = (i: number, by: number) => {
    const j = i + by;
    if (j < 0 || j >= d.questions.length) return;
    const questions = [...d.questions];
    [questions[i], questions[j]] = [questions[j]!, questions[i]!];
    setD({ ...d, questions });
  };
  const add = () => {
    let n = d.questions.length + 1;
    while (d.questions.some((q) => q.id === `question_${n}`)) n++;
    setD({
      ...d,
      questions: [...d.questions, { id: `question_${n}`, type: 'short_text', label: '', required: false }],
    });
  };
  const tr = d.translations[lang] ?? {};
  const setTr = (change: Partial<QuestionnaireTranslation>) =>
    setD({ ...d, translations: { ...d.translations, [lang]: { ...tr, ...change } } });
  const setQTr = (id: string, change: Record<string, unknown>) =>
    setTr({ questions: { ...(tr.questions ?? {}), [id]: { ...(tr.questions?.[id] ?? {}), ...change } } });

  const save = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      const body = toBody(d);
      const q = d.id
        ? await api('PUT', `/questionnaires/${d.id}`, body)
        : await api('POST', '/questionnaires', body);
      props.onSaved(q);
    });
  };
  const archive = () =>
    void action.run(async () => {
      await api('DELETE', `/questionnaires/${d.id}`);
      props.onArchived();
    });

  return (
    <div class="q-editor">
      <form class="card editor" onSubmit={save} aria-label="Questionnaire editor">
        <fieldset disabled={!props.editable}>
          <legend class="sr-only">Questionnaire</legend>
          <Field label="Title">
            <input required value={d.title} onInput={(e) => setD({ ...d, title: e.currentTarget.value })} />
          </Field>
          <Field label="Introduction" hint="Shown under the title.">
            <input
              value={d.description ?? ''}
              onInput={(e) => setD({ ...d, description: e.currentTarget.value })}
            />
          </Field>
          <h2>Questions, in order</h2>
          <ol class="steps">
            {d.questions.map((q, i) => (
              <QuestionEditor
                key={i}
                q={q}
                index={i}
                count={d.questions.length}
                earlier={d.questions.slice(0, i)}
                onChange={(c) => setQ(i, c)}
                onMove={(by) => move(i, by)}
                onRemove={() => setD({ ...d, questions: d.questions.filter((_, j) => j !== i) })}
              />
            ))}
          </ol>
          <button type="button" class="secondary" onClick={add}>
            Add question
          </button>

          <h2>Translations</h2>
          <p class="muted">Anything left empty is shown in the base language.</p>
          <Field label="Language">
            <select value={lang} onChange={(e) => setLang(e.currentTarget.value)}>
              {Object.entries(LANGUAGES).map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </Field>
          <div lang={lang} dir={lang === 'ar' ? 'rtl' : 'ltr'}>
            <Field label={`Title (${LANGUAGES[lang]})`}>
              <input
                value={tr.title ?? ''}
                placeholder={d.title}
                onInput={(e) => setTr({ title: e.currentTarget.value })}
              />
            </Field>
            {d.questions.map((q) => (
              <fieldset key={q.id}>
                <legend>{q.id}</legend>
                <Field label={`Question ${q.id} (${LANGUAGES[lang]})`}>
                  <input
                    value={tr.questions?.[q.id]?.label ?? ''}
                    placeholder={q.label}
                    onInput={(e) => setQTr(q.id, { label: e.currentTarget.value })}
                  />
                </Field>
                {q.help && (
                  <Field label={`Help for ${q.id} (${LANGUAGES[lang]})`}>
                    <input
                      value={tr.questions?.[q.id]?.help ?? ''}
                      placeholder={q.help}
                      onInput={(e) => setQTr(q.id, { help: e.currentTarget.value })}
                    />
                  </Field>
                )}
                {CHOICE.includes(q.type) &&
                  (q.options ?? []).map((o) => (
                    <Field key={o.value} label={`Option ${o.value} (${LANGUAGES[lang]})`}>
                      <input
                        value={tr.questions?.[q.id]?.options?.[o.value] ?? ''}
                        placeholder={o.label}
                        onInput={(e) =>
                          setQTr(q.id, {
                            options: {
                              ...(tr.questions?.[q.id]?.options ?? {}),
                              [o.value]: e.currentTarget.value,
                            },
                          })
                        }
                      />
                    </Field>
                  ))}
              </fieldset>
            ))}
          </div>

          <ErrorBox error={action.error} />
          {props.notice && !action.error && (
            <p class="ok" role="status">
              {props.notice}
            </p>
          )}
          {props.editable && (
            <div class="row">
              <button type="submit" disabled={action.busy}>
                Save questionnaire
              </button>
              {d.id && (
                <button type="button" class="danger" disabled={action.busy} onClick={archive}>
                  Archive
                </button>
              )}
            </div>
          )}
        </fieldset>
      </form>
      <Preview draft={d} />
    </div>
  );
}

function QuestionEditor(props: {
  q: Question;
  index: number;
  count: number;
  earlier: Question[];
  onChange: (c: Partial<Question>) => void;
  onMove: (by: number) => void;
  onRemove: () => void;
}) {
  const { q, index: i, onChange } = props;
  const name = q.label || q.id;
  const v = q.validation ?? {};
  const setV = (key: keyof NonNullable<Question['validation']>, value: string | number | undefined) => {
    const next: Record<string, unknown> = { ...v, [key]: value };
    if (value === undefined || value === '') delete next[key];
    onChange({ validation: next });
  };
  const num = (s: string) => (s === '' ? undefined : Number(s));
  const changeOption = (k: number, change: { value?: string; label?: string }) =>
    onChange({ options: q.options!.map((x, j) => (j === k ? { ...x, ...change } : x)) });
  const target = props.earlier.find((x) => x.id === q.showIf?.question);
  const texts = q.type === 'short_text' || q.type === 'long_text';
  return (
    <li class="step">
      <div class="step-head">
        <strong>
          {i + 1}. {TYPE_NAMES[q.type]}
        </strong>
        <span class="row-actions">
          <button
            type="button"
            class="small secondary"
            onClick={() => props.onMove(-1)}
            disabled={i === 0}
            aria-label={`Move ${name} up`}
          >
            Up
          </button>
          <button
            type="button"
            class="small secondary"
            onClick={() => props.onMove(1)}
            disabled={i === props.count - 1}
            aria-label={`Move ${name} down`}
          >
            Down
          </button>
          <button type="button" class="small danger" onClick={props.onRemove} aria-label={`Remove ${name}`}>
            Remove
          </button>
        </span>
      </div>
      <div class="row">
        <Field label={`Question ${i + 1} text`}>
          <input required value={q.label} onInput={(e) => onChange({ label: e.currentTarget.value })} />
        </Field>
        <Field label={`Question ${i + 1} id`} hint="Answers are keyed by it.">
          <input
            required
            pattern="[a-z][a-z0-9_]{0,63}"
            value={q.id}
            onInput={(e) => onChange({ id: e.currentTarget.value })}
          />
        </Field>
        <Field label={`Question ${i + 1} type`}>
          <select
            value={q.type}
            onChange={(e) => {
              const type = e.currentTarget.value as QuestionType;
              onChange({
                type,
                validation: undefined,
                options: CHOICE.includes(type)
                  ? (q.options ?? [{ value: 'option_1', label: 'Option 1' }])
                  : undefined,
              });
            }}
          >
            {QUESTION_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_NAMES[t]}
              </option>
            ))}
          </select>
        </Field>
        <label class="check">
          <input
            type="checkbox"
            checked={q.required}
            onChange={(e) => onChange({ required: e.currentTarget.checked })}
          />
          Required
        </label>
      </div>
      <Field label={`Question ${i + 1} help text`}>
        <input value={q.help ?? ''} onInput={(e) => onChange({ help: e.currentTarget.value || undefined })} />
      </Field>
      {CHOICE.includes(q.type) && (
        <fieldset>
          <legend>Options of question {i + 1}</legend>
          {(q.options ?? []).map((o, k) => (
            <div class="row" key={k}>
              <Field label={`Option ${k + 1} value`}>
                <input
                  required
                  value={o.value}
                  onInput={(e) => changeOption(k, { value: e.currentTarget.value })}
                />
              </Field>
              <Field label={`Option ${k + 1} label`}>
                <input
                  required
                  value={o.label}
                  onInput={(e) => changeOption(k, { label: e.currentTarget.value })}
                />
              </Field>
              <button
                type="button"
                class="small danger"
                aria-label={`Remove option ${k + 1} of question ${i + 1}`}
                onClick={() => onChange({ options: q.options!.filter((_, j) => j !== k) })}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            class="small secondary"
            onClick={() => {
              const n = (q.options?.length ?? 0) + 1;
              onChange({ options: [...(q.options ?? []), { value: `option_${n}`, label: `Option ${n}` }] });
            }}
          >
            Add option
          </button>
        </fieldset>
      )}
      {(q.type === 'number' || texts || q.type === 'multiple_choice') && (
        <div class="row">
          <Field
            label={q.type === 'number' ? 'Smallest value' : texts ? 'Fewest characters' : 'Fewest picks'}
          >
            <input
              type="number"
              value={v.min ?? ''}
              onInput={(e) => setV('min', num(e.currentTarget.value))}
            />
          </Field>
          <Field label={q.type === 'number' ? 'Largest value' : texts ? 'Most characters' : 'Most picks'}>
            <input
              type="number"
              value={v.max ?? ''}
              onInput={(e) => setV('max', num(e.currentTarget.value))}
            />
          </Field>
          {texts && (
            <Field label="Pattern (regular expression)">
              <input
                class="mono"
                value={v.pattern ?? ''}
                onInput={(e) => setV('pattern', e.currentTarget.value)}
              />
            </Field>
          )}
        </div>
      )}
      {q.type === 'date' && (
        <div class="row">
          <Field label="Earliest date">
            <input
              type="date"
              value={v.minDate ?? ''}
              onInput={(e) => setV('minDate', e.currentTarget.value)}
            />
          </Field>
          <Field label="Latest date">
            <input
              type="date"
              value={v.maxDate ?? ''}
              onInput={(e) => setV('maxDate', e.currentTarget.value)}
            />
          </Field>
        </div>
      )}
      {props.earlier.length > 0 && (
        <div class="row">
          <Field label={`Show question ${i + 1} only if`}>
            <select
              value={q.showIf?.question ?? ''}
              onChange={(e) => {
                const id = e.currentTarget.value;
                const on = props.earlier.find((x) => x.id === id);
                if (!on) return onChange({ showIf: undefined });
                const first = on.type === 'yes_no' ? true : CHOICE.includes(on.type) ? undefined : '';
                onChange({
                  showIf: CHOICE.includes(on.type)
                    ? { question: id, in: on.options?.[0] ? [on.options[0].value] : [] }
                    : { question: id, equals: first },
                });
              }}
            >
              <option value="">always shown</option>
              {props.earlier.map((x) => (
                <option key={x.id} value={x.id}>
                  the answer to “{x.label || x.id}”
                </option>
              ))}
            </select>
          </Field>
          {target && target.type === 'yes_no' && (
            <Field label="Answer is">
              <select
                value={String(q.showIf?.equals)}
                onChange={(e) =>
                  onChange({ showIf: { question: target.id, equals: e.currentTarget.value === 'true' } })
                }
              >
                <option value="true">Yes</option>
                <option value="false">No</option>
              </select>
            </Field>
          )}
          {target && CHOICE.includes(target.type) && (
            <fieldset>
              <legend>Answer is one of</legend>
              {(target.options ?? []).map((o) => (
                <label class="check" key={o.value}>
                  <input
                    type="checkbox"
                    checked={q.showIf?.in?.includes(o.value) ?? false}
                    onChange={(e) => {
                      const list = (q.showIf?.in ?? []).filter((x) => x !== o.value);
                      if (e.currentTarget.checked) list.push(o.value);
                      onChange({ showIf: { question: target.id, in: list } });
                    }}
                  />
                  {o.label}
                </label>
              ))}
            </fieldset>
          )}
          {target && target.type !== 'yes_no' && !CHOICE.includes(target.type) && (
            <Field label="Answer equals">
              <input
                value={String(q.showIf?.equals ?? '')}
                onInput={(e) => {
                  const raw = e.currentTarget.value;
                  onChange({
                    showIf: { question: target.id, equals: target.type === 'number' ? Number(raw) : raw },
                  });
                }}
              />
            </Field>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * The questionnaire as the applicant will see it, in the chosen language, with the branching live: answering
 * in the preview shows and hides the follow-up questions. Nothing here is sent.
 */
function Preview({ draft }: { draft: Draft }) {
  const [lang, setLang] = useState('en');
  const [answers, setAnswers] = useState<Answers>({});
  const q = useMemo(() => localizeQuestionnaire(draft, lang), [draft, lang]);
  const shown = visibleQuestionIds(q, answers);
  const set = (id: string, v: AnswerValue | undefined) =>
    setAnswers(({ [id]: _, ...rest }) => (v === undefined || v === '' ? rest : { ...rest, [id]: v }));
  return (
    <aside class="card q-preview" aria-label="Preview">
      <div class="row">
        <h2>Preview</h2>
        <Field label="Preview language">
          <select value={lang} onChange={(e) => setLang(e.currentTarget.value)}>
            <option value="en">Base texts</option>
            {Object.entries(LANGUAGES).map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div class="q-phone" lang={lang === 'en' ? undefined : lang} dir={lang === 'ar' ? 'rtl' : 'ltr'}>
        <p class="q-title">{q.title}</p>
        {q.description && <p>{q.description}</p>}
        {q.questions
          .filter((x) => shown.has(x.id))
          .map((x) => (
            <PreviewField key={x.id} q={x} value={answers[x.id]} onChange={(v) => set(x.id, v)} />
          ))}
      </div>
    </aside>
  );
}

function PreviewField(props: {
  q: Question;
  value: AnswerValue | undefined;
  onChange: (v: AnswerValue | undefined) => void;
}) {
  const { q, value } = props;
  const id = `preview-${q.id}`;
  const label = (
    <>
      {q.label || q.id}
      {q.required && <span aria-hidden="true"> *</span>}
    </>
  );
  if (q.type === 'yes_no' || CHOICE.includes(q.type)) {
    const options =
      q.type === 'yes_no'
        ? [
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]
        : (q.options ?? []);
    const multiple = q.type === 'multiple_choice';
    return (
      <fieldset>
        <legend>{label}</legend>
        {options.map((o) => {
          const checked = multiple
            ? Array.isArray(value) && value.includes(o.value)
            : String(value) === o.value;
          return (
            <label class="check" key={o.value}>
              <input
                type={multiple ? 'checkbox' : 'radio'}
                name={id}
                checked={checked}
                onChange={(e) => {
                  if (q.type === 'yes_no') props.onChange(o.value === 'true');
                  else if (!multiple) props.onChange(o.value);
                  else {
                    const list = (Array.isArray(value) ? value : []).filter((x) => x !== o.value);
                    if (e.currentTarget.checked) list.push(o.value);
                    props.onChange(list.length ? list : undefined);
                  }
                }}
              />
              {o.label}
            </label>
          );
        })}
        {q.help && <span class="hint">{q.help}</span>}
      </fieldset>
    );
  }
  const types: Partial<Record<QuestionType, 'date' | 'email' | 'tel' | 'number'>> = {
    date: 'date',
    email: 'email',
    phone: 'tel',
    number: 'number',
  };
  const type = types[q.type] ?? 'text';
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {q.type === 'long_text' ? (
        <textarea
          id={id}
          rows={3}
          value={String(value ?? '')}
          onInput={(e) => props.onChange(e.currentTarget.value)}
        />
      ) : q.type === 'country' ? (
        // The applicant picks from every ISO 3166 country in their language; the preview takes the code.
        <input
          id={id}
          value={String(value ?? '')}
          placeholder="ISO code, e.g. EE"
          onInput={(e) => props.onChange(e.currentTarget.value.toUpperCase())}
        />
      ) : (
        <input
          id={id}
          // preact's input types are one union per literal; each of these is a plain text-like input
          type={type as 'text'}
          value={String(value ?? '')}
          onInput={(e) =>
            props.onChange(
              q.type === 'number' && e.currentTarget.value !== ''
                ? Number(e.currentTarget.value)
                : e.currentTarget.value,
            )
          }
        />
      )}
      {q.help && <span class="hint">{q.help}</span>}
    </div>
  );
}
