import { useEffect, useState } from 'preact/hooks';
import { api, can, type Me } from '../api.ts';
import { Empty, ErrorBox, Field, Loading, PageHeader, useAction, useAsync, when } from '../ui.tsx';
import { ConfigFields, type JsonSchema, sortProblems } from './workflow-fields.tsx';

interface Step {
  type: string;
  config: Record<string, unknown>;
  action?: string | undefined;
  reasonActions?: Record<string, string> | undefined;
}
interface Draft {
  id: string | null;
  name: string;
  description: string;
  checks: Step[];
  sessionLifetimeSeconds?: number | undefined;
  isDefault: boolean;
  /** Rules over the check results (issue 8); kept as the API returns them so a save never drops them. */
  rules: unknown[];
  /** Every other field of the workflow this editor has no control for, sent back as it came. */
  extra: Record<string, unknown>;
}

/** Fields the server sets; everything else a workflow has goes back on save. */
const SERVER_FIELDS = new Set(['id', 'version', 'createdAt', 'updatedAt']);
const EDITED_FIELDS = new Set([
  'name',
  'description',
  'checks',
  'sessionLifetimeSeconds',
  'isDefault',
  'rules',
]);

const ACTIONS = ['decline', 'review', 'resubmit', 'none'];

export function WorkflowsPage({ me }: { me: Me }) {
  const list = useAsync(() => api('GET', '/workflows'), []);
  const checks = useAsync(() => api('GET', '/checks'), []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const editable = can(me, 'admin');
  useEffect(() => {
    if (!draft && list.data?.data?.length)
      open(list.data.data.find((w: any) => w.isDefault) ?? list.data.data[0]);
  }, [list.data]);
  const open = (w: any) =>
    setDraft({
      extra: Object.fromEntries(
        Object.entries(w).filter(([k]) => !SERVER_FIELDS.has(k) && !EDITED_FIELDS.has(k)),
      ),
      id: w.id,
      name: w.name,
      description: w.description ?? '',
      checks: w.checks.map((c: any) => ({ ...c, config: c.config ?? {} })),
      sessionLifetimeSeconds: w.sessionLifetimeSeconds,
      isDefault: w.isDefault,
      rules: w.rules ?? [],
    });
  return (
    <section>
      <PageHeader title="Workflows">
        {editable && (
          <button
            type="button"
            class="secondary"
            onClick={() =>
              setDraft({
                id: null,
                name: 'New workflow',
                description: '',
                checks: [],
                isDefault: false,
                rules: [],
                extra: {},
              })
            }
          >
            New workflow
          </button>
        )}
      </PageHeader>
      <p class="muted">
        Checks run in order; each check's failure leads to an action. Saving makes a new version: running
        sessions keep theirs.
      </p>
      <ErrorBox error={list.error ?? checks.error} />
      {(list.loading || checks.loading) && !list.data && <Loading />}
      {list.data && checks.data && (
        <div class="grid-sidebar">
          <ul class="list" aria-label="Workflows">
            {list.data.data.map((w: any) => (
              <li key={w.id} class={draft?.id === w.id ? 'selected' : ''}>
                <button type="button" class="link" aria-pressed={draft?.id === w.id} onClick={() => open(w)}>
                  {w.name}
                </button>
                <span class="muted">
                  v{w.version}
                  {w.isDefault && ' · default'} · {when(w.updatedAt)}
                </span>
              </li>
            ))}
          </ul>
          {draft ? (
            <Editor
              key={draft.id ?? 'new'}
              draft={draft}
              catalogue={checks.data.data}
              editable={editable}
              onSaved={(w) => {
                list.reload();
                open(w);
              }}
            />
          ) : (
            <Empty>Choose a workflow.</Empty>
          )}
        </div>
      )}
    </section>
  );
}

function Editor({
  draft: initial,
  catalogue,
  editable,
  onSaved,
}: {
  draft: Draft;
  catalogue: any[];
  editable: boolean;
  onSaved: (w: any) => void;
}) {
  const [d, setD] = useState<Draft>(initial);
  const [rulesText, setRulesText] = useState(JSON.stringify(initial.rules, null, 2));
  const [adding, setAdding] = useState('');
  const [saved, setSaved] = useState('');
  const action = useAction();
  // The server's own findings, shown at the field they concern.
  const details = (action.error as { details?: { problems?: unknown; issues?: unknown } } | null)?.details;
  const raw = [details?.problems, details?.issues].flatMap((x) => (Array.isArray(x) ? x : []));
  const { byField, general } = sortProblems(
    raw.map((x) => (typeof x === 'string' ? x : `${(x.path ?? []).join('.')}: ${x.message}`)),
  );
  const setStep = (i: number, s: Partial<Step>) =>
    setD({ ...d, checks: d.checks.map((c, j) => (j === i ? { ...c, ...s } : c)) });
  const move = (i: number, by: number) => {
    const j = i + by;
    if (j < 0 || j >= d.checks.length) return;
    const checks = [...d.checks];
    [checks[i], checks[j]] = [checks[j]!, checks[i]!];
    setD({ ...d, checks });
  };
  const remove = (i: number) => setD({ ...d, checks: d.checks.filter((_, j) => j !== i) });
  const add = () => {
    if (!adding) return;
    setD({ ...d, checks: [...d.checks, { type: adding, config: {} }] });
    setAdding('');
  };
  const save = (e: Event) => {
    e.preventDefault();
    setSaved('');
    void action.run(async () => {
      // Each step goes back whole (fields of a step this editor does not show included), with the edited config.
      const checks = d.checks.map((c) => {
        const { reasonActions, action: onFailure, ...step } = c;
        return {
          ...step,
          ...(onFailure && { action: onFailure }),
          ...(reasonActions && Object.keys(reasonActions).length && { reasonActions }),
        };
      });
      let rules: unknown;
      try {
        rules = JSON.parse(rulesText || '[]');
      } catch {
        throw new Error('The rules are not valid JSON.');
      }
      const body = {
        ...d.extra,
        ...(Array.isArray(rules) && rules.length && { rules }),
        name: d.name,
        ...(d.description && { description: d.description }),
        checks,
        ...(d.sessionLifetimeSeconds && { sessionLifetimeSeconds: d.sessionLifetimeSeconds }),
        isDefault: d.isDefault,
      };
      const w = d.id ? await api('PUT', `/workflows/${d.id}`, body) : await api('POST', '/workflows', body);
      setSaved(`Saved as version ${w.version}.`);
      onSaved(w);
    });
  };
  return (
    <form class="card editor" onSubmit={save} aria-label="Workflow editor" noValidate>
      <fieldset disabled={!editable}>
        <legend class="sr-only">Workflow</legend>
        <div class="row">
          <Field label="Name">
            <input required value={d.name} onInput={(e) => setD({ ...d, name: e.currentTarget.value })} />
          </Field>
          <Field label="Session lifetime (seconds)">
            <input
              type="number"
              min={60}
              value={d.sessionLifetimeSeconds ?? ''}
              onInput={(e) =>
                setD({
                  ...d,
                  sessionLifetimeSeconds: e.currentTarget.value ? Number(e.currentTarget.value) : undefined,
                })
              }
            />
          </Field>
          <label class="check">
            <input
              type="checkbox"
              checked={d.isDefault}
              onChange={(e) => setD({ ...d, isDefault: e.currentTarget.checked })}
            />
            Default workflow
          </label>
        </div>
        <Field label="Description">
          <input value={d.description} onInput={(e) => setD({ ...d, description: e.currentTarget.value })} />
        </Field>
        <h2>Checks, in order</h2>
        {d.checks.length === 0 && <p class="muted">No checks: every submitted session would be approved.</p>}
        <ol class="steps">
          {d.checks.map((c, i) => {
            const def = catalogue.find((x) => x.type === c.type);
            return (
              <li key={`${c.type}-${i}`} class="step">
                <section aria-label={`Step ${i + 1}: ${c.type}`}>
                  <div class="step-head">
                    <strong>
                      {i + 1}. {c.type}
                    </strong>
                    <span class="muted">{def?.description}</span>
                    <span class="row-actions">
                      <button
                        type="button"
                        class="small secondary"
                        onClick={() => move(i, -1)}
                        disabled={i === 0}
                        aria-label={`Move ${c.type} up`}
                      >
                        Up
                      </button>
                      <button
                        type="button"
                        class="small secondary"
                        onClick={() => move(i, 1)}
                        disabled={i === d.checks.length - 1}
                        aria-label={`Move ${c.type} down`}
                      >
                        Down
                      </button>
                      <button
                        type="button"
                        class="small danger"
                        onClick={() => remove(i)}
                        aria-label={`Remove ${c.type}`}
                      >
                        Remove
                      </button>
                    </span>
                  </div>
                  <Field label="On failure" hint="Unset: each reason's default action">
                    <select
                      value={c.action ?? ''}
                      onChange={(e) => setStep(i, { action: e.currentTarget.value || undefined })}
                    >
                      <option value="">per reason (default)</option>
                      {ACTIONS.map((a) => (
                        <option key={a} value={a}>
                          {a}
                        </option>
                      ))}
                    </select>
                  </Field>
                  {def && Object.keys(def.reasonCodes).length > 0 && (
                    <details>
                      <summary>Actions per reason</summary>
                      <table class="kv">
                        <tbody>
                          {Object.entries(
                            def.reasonCodes as Record<string, { action: string; description: string }>,
                          ).map(([code, r]) => (
                            <tr key={code}>
                              <th scope="row" title={r.description}>
                                {code}
                              </th>
                              <td>
                                <select
                                  aria-label={`Action for ${code}`}
                                  value={c.reasonActions?.[code] ?? ''}
                                  onChange={(e) => {
                                    const next = { ...(c.reasonActions ?? {}) };
                                    if (e.currentTarget.value) next[code] = e.currentTarget.value;
                                    else delete next[code];
                                    setStep(i, { reasonActions: next });
                                  }}
                                >
                                  <option value="">default ({r.action})</option>
                                  {ACTIONS.map((a) => (
                                    <option key={a} value={a}>
                                      {a}
                                    </option>
                                  ))}
                                </select>
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </details>
                  )}
                  <ConfigFields
                    schema={(def?.configSchema ?? {}) as JsonSchema}
                    value={c.config}
                    onChange={(config) => setStep(i, { config })}
                    path={`checks[${i}].config`}
                    problems={byField}
                    disabled={!editable}
                  />
                </section>
              </li>
            );
          })}
        </ol>
        <Field
          label="Rules (JSON)"
          hint='Combine check results into actions, e.g. [{"id":"tor_mismatch","name":"Tor and country mismatch","if":{"all":[{"reason":"IP_TOR"},{"reason":"IP_COUNTRY_MISMATCH"}]},"then":"review"}]. Checked when saved.'
        >
          <textarea
            class="mono"
            rows={Math.min(16, rulesText.split('\n').length + 1)}
            value={rulesText}
            onInput={(e) => setRulesText(e.currentTarget.value)}
          />
        </Field>
        <div class="row">
          <Field label="Add a check">
            <select value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
              <option value="">choose…</option>
              {catalogue.map((c) => (
                <option key={c.type} value={c.type}>
                  {c.type}
                </option>
              ))}
            </select>
          </Field>
          <button type="button" class="secondary" onClick={add} disabled={!adding}>
            Add check
          </button>
        </div>
        {action.error && (
          <div class="error" role="alert">
            <strong>Not saved:</strong>{' '}
            {general.length || byField.size
              ? general.join('; ') || 'see the marked fields.'
              : action.error.message}
          </div>
        )}
        {saved && (
          <p class="ok" role="status">
            {saved}
          </p>
        )}
        {editable && (
          <button type="submit" disabled={action.busy}>
            Save workflow
          </button>
        )}
      </fieldset>
    </form>
  );
}
