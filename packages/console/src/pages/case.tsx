import { useEffect, useRef, useState } from 'preact/hooks';
import { api, can, type Me } from '../api.ts';
import { linkProps, navigate, useLocation } from '../router.ts';
import {
  ago,
  Badge,
  ErrorBox,
  Field,
  isTyping,
  Json,
  Loading,
  PageHeader,
  useAction,
  useAsync,
  when,
} from '../ui.tsx';
import { Zoom } from '../zoom.tsx';
import { EmploymentEvidence } from './employment.tsx';
import {
  AmlHits,
  FaceMatchEvidence,
  LivenessStrip,
  MrzEvidence,
  mediaPath,
  ZoomableImage,
} from './evidence.tsx';

type Decision = 'approved' | 'declined' | 'resubmission_requested';

export function CasePage({ id, me }: { id: string; me: Me }) {
  const { query } = useLocation();
  const fromQueue = query.get('queue') === '1';
  const { data, error, loading, reload } = useAsync(
    () => api('GET', `/cases/${encodeURIComponent(id)}`),
    [id],
  );
  const reasons = useAsync(() => api('GET', '/reviews/reasons'), []);
  const claimAction = useAction();
  const isReviewer = can(me, 'reviewer');
  const myClaim = data?.claim?.claimedBy === `staff:${me.user.id}`;
  const otherClaim = data?.claim && !myClaim;

  const nextCase = async () => {
    const next = await api('POST', '/review-queue/next');
    if (next.id) navigate(`/sessions/${next.id}?queue=1`);
    else navigate('/queue');
  };

  // Keyboard: n = next case, c = claim, shortcuts for the review form live in ReviewForm.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'n' && isReviewer) {
        e.preventDefault();
        void claimAction.run(nextCase);
      } else if (e.key === 'c' && isReviewer && data?.session.status === 'review' && !myClaim) {
        e.preventDefault();
        void claimAction.run(async () => {
          await api('POST', `/review-queue/${id}/claim`);
          reload();
        });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} />;
  const s = data.session;
  const d = data.decision;
  return (
    <section class="case">
      <PageHeader title={`Session ${s.id}`}>
        <Badge value={s.status} />
        {isReviewer &&
          s.status === 'review' &&
          (myClaim ? (
            <button
              type="button"
              class="secondary"
              disabled={claimAction.busy}
              onClick={() =>
                claimAction.run(async () => {
                  await api('DELETE', `/review-queue/${id}/claim`);
                  reload();
                })
              }
            >
              Release claim
            </button>
          ) : (
            <button
              type="button"
              disabled={claimAction.busy || (!!otherClaim && me.user.role !== 'admin')}
              onClick={() =>
                claimAction.run(async () => {
                  await api('POST', `/review-queue/${id}/claim`);
                  reload();
                })
              }
            >
              Claim case <kbd>c</kbd>
            </button>
          ))}
        {isReviewer && (
          <button
            type="button"
            class="secondary"
            disabled={claimAction.busy}
            onClick={() => claimAction.run(nextCase)}
          >
            Next case <kbd>n</kbd>
          </button>
        )}
      </PageHeader>
      <ErrorBox error={claimAction.error} />
      {data.claim && (
        <p class={`claim ${myClaim ? 'mine' : 'theirs'}`} role="status">
          {myClaim
            ? 'You are working on this case'
            : `Claimed by ${data.claim.claimedByLabel ?? data.claim.claimedBy}`}{' '}
          · claim ends {when(data.claim.expiresAt)}
        </p>
      )}
      <dl class="facts">
        <div>
          <dt>vendorData</dt>
          <dd class="mono">
            {s.vendorData ? (
              <a {...linkProps(`/users/${encodeURIComponent(s.vendorData)}`)}>{s.vendorData}</a>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>Workflow</dt>
          <dd class="mono">
            {s.workflowId} v{s.workflowVersion}
          </dd>
        </div>
        <div>
          <dt>Attempt</dt>
          <dd>{s.attempt}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{when(s.createdAt)}</dd>
        </div>
        <div>
          <dt>Decision</dt>
          <dd>
            <Badge value={d.status} />{' '}
            {d.decidedBy && <span class="muted">by {decidedBy(d.decidedBy, data.audit)}</span>}
          </dd>
        </div>
        <div>
          <dt>Expected person</dt>
          <dd>{s.person ? Object.values(s.person).join(' ') : '—'}</dd>
        </div>
      </dl>

      {d.reasons.length > 0 && (
        <div class="card">
          <h2>Why</h2>
          <ul class="reasons-list">
            {d.reasons.map((r: any, i: number) => (
              <li key={i}>
                <span class="chip">{r.code}</span> {r.message}{' '}
                <span class="muted">
                  ({r.check} → {r.action})
                </span>
              </li>
            ))}
          </ul>
          {d.review?.note && <p>Reviewer's note: {d.review.note}</p>}
          {d.review?.resubmitSteps && <p>Steps to redo: {d.review.resubmitSteps.join(', ')}</p>}
        </div>
      )}

      {isReviewer && s.status === 'review' && reasons.data && (
        <ReviewForm
          // A new case gets a fresh form: no decision or reason carried over from the last one.
          key={s.id}
          sessionId={s.id}
          reasons={reasons.data}
          disabled={!!otherClaim}
          onDone={async () => {
            if (fromQueue) await nextCase();
            else reload();
          }}
        />
      )}

      <div class="grid-2">
        <div class="card">
          <h2>Media</h2>
          <Gallery sessionId={s.id} media={data.media} currentAttempt={d.attemptId} />
        </div>
        <div class="card">
          <h2>Extracted data</h2>
          <Extracted title="Person" fields={d.extracted.person} />
          <Extracted title="Document" fields={d.extracted.document} />
          {d.provenance && (
            <>
              <h3>Verified by eID</h3>
              <KeyValues
                value={{
                  provider: d.provenance.provider,
                  issuer: d.provenance.issuer,
                  channel: d.provenance.channel,
                  'authenticated at': when(d.provenance.authenticatedAt),
                  'level of assurance': d.provenance.levelOfAssurance,
                  ...(d.provenance.acr && { acr: d.provenance.acr }),
                }}
                empty=""
              />
              <p class="muted">
                The provider's signed ID token is kept as evidence:{' '}
                <code>GET /v1/sessions/{s.id}/evidence</code>.
              </p>
            </>
          )}
          {d.riskLabels.length > 0 && (
            <>
              <h3>Risk labels</h3>
              <p>
                {d.riskLabels.map((l: string) => (
                  <span class="chip risk" key={l}>
                    {l}
                  </span>
                ))}
              </p>
            </>
          )}
          <h3>IP and device</h3>
          <KeyValues value={data.collected} empty="No IP or device data was collected." />
        </div>
      </div>

      {(s.type === 'employment' || s.type === 'income') && <EmploymentEvidence sessionId={s.id} />}

      <div class="card">
        <h2>Checks</h2>
        {d.checks.length === 0 && <p class="muted">No checks have run for this attempt.</p>}
        {d.checks.map((c: any) => (
          <CheckResult
            key={c.type}
            sessionId={s.id}
            check={c}
            media={data.media.filter((m: any) => m.attemptId === d.attemptId)}
          />
        ))}
      </div>

      <div class="grid-2">
        <div class="card">
          <h2>Timeline</h2>
          <ol class="timeline">
            {data.events.map((e: any) => (
              <li key={e.id}>
                <span class="t">{when(e.createdAt)}</span> <strong>{e.type}</strong>{' '}
                <span class="muted">{e.actor}</span>
                {e.data?.status && (
                  <>
                    {' '}
                    → <Badge value={e.data.status} />
                  </>
                )}
              </li>
            ))}
          </ol>
        </div>
        <div class="card">
          <h2>Attempts</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Submitted</th>
                <th scope="col">Decision</th>
                <th scope="col">Reasons</th>
              </tr>
            </thead>
            <tbody>
              {data.attempts.map((a: any) => (
                <tr key={a.id}>
                  <td>{a.number}</td>
                  <td>{when(a.submittedAt)}</td>
                  <td>
                    <Badge value={a.decisionStatus ?? a.status} />
                  </td>
                  <td>{(a.decision?.reasons ?? []).map((r: any) => r.code).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Earlier sessions of this user</h3>
          {data.earlierSessions.length === 0 ? (
            <p class="muted">None.</p>
          ) : (
            <ul>
              {data.earlierSessions.map((e: any) => (
                <li key={e.id}>
                  <a {...linkProps(`/sessions/${e.id}`)} class="mono">
                    {e.id}
                  </a>{' '}
                  <Badge value={e.status} /> <span class="muted">{ago(e.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>

      <div class="grid-2">
        <Notes sessionId={s.id} notes={data.notes} canWrite={isReviewer} onAdded={reload} />
        <div class="card">
          <h2>Audit trail</h2>
          {data.audit.length === 0 ? (
            <p class="muted">Nothing yet.</p>
          ) : (
            <ol class="timeline">
              {data.audit.map((e: any) => (
                <li key={e.id}>
                  <span class="t">{when(e.createdAt)}</span> <strong>{e.action}</strong> by{' '}
                  {e.actorLabel ?? e.actor}
                  {e.after?.reasonCode && <span class="chip">{e.after.reasonCode}</span>}
                  {e.before?.status && e.after?.status && (
                    <span class="muted">
                      {' '}
                      {e.before.status} → {e.after.status}
                    </span>
                  )}
                </li>
              ))}
            </ol>
          )}
        </div>
      </div>
    </section>
  );
}

/** "the engine", or the reviewer's email as the audit log recorded it (else their actor id). */
function decidedBy(v: unknown, audit: { actor: string; actorLabel: string | null }[]): string {
  if (v === 'engine') return 'the engine';
  if (v && typeof v === 'object' && 'reviewer' in v) {
    const id = String((v as { reviewer: string }).reviewer);
    return audit.find((e) => e.actor === id && e.actorLabel)?.actorLabel ?? id;
  }
  return String(v);
}

function ReviewForm({
  sessionId,
  reasons,
  disabled,
  onDone,
}: {
  sessionId: string;
  reasons: {
    decline: { code: string; description: string }[];
    resubmission: { code: string; description: string }[];
    resubmitSteps: string[];
  };
  disabled: boolean;
  onDone: () => void | Promise<void>;
}) {
  const [decision, setDecision] = useState<Decision>('approved');
  const [reasonCode, setReasonCode] = useState('');
  const [steps, setSteps] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();
  const reasonRef = useRef<HTMLSelectElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);
  const choose = (d: Decision) => {
    setDecision(d);
    setReasonCode('');
    setTimeout(() => (d === 'approved' ? submitRef.current : reasonRef.current)?.focus(), 0);
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        submitRef.current?.click();
        return;
      }
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      const map: Record<string, Decision> = { a: 'approved', d: 'declined', r: 'resubmission_requested' };
      const d = map[e.key];
      if (d) {
        e.preventDefault();
        choose(d);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await api('POST', `/sessions/${sessionId}/review`, {
        decision,
        ...(decision !== 'approved' && { reasonCode }),
        ...(decision === 'resubmission_requested' && { resubmitSteps: steps }),
        ...(note.trim() && { note: note.trim() }),
      });
      await onDone();
    });
  };
  const list = decision === 'declined' ? reasons.decline : reasons.resubmission;
  return (
    <form class="card review" onSubmit={submit} aria-labelledby="review-title">
      <h2 id="review-title">Decide</h2>
      <p class="muted">
        Shortcuts: <kbd>a</kbd> approve · <kbd>d</kbd> decline · <kbd>r</kbd> resubmission · <kbd>Ctrl</kbd>+
        <kbd>Enter</kbd> confirm · <kbd>n</kbd> next case
      </p>
      <fieldset class="segmented" disabled={disabled}>
        <legend>Decision</legend>
        {(
          [
            ['approved', 'Approve', 'a'],
            ['declined', 'Decline', 'd'],
            ['resubmission_requested', 'Request resubmission', 'r'],
          ] as const
        ).map(([value, label, key]) => (
          <label key={value} class={decision === value ? `on ${value}` : ''}>
            <input
              type="radio"
              name="decision"
              value={value}
              checked={decision === value}
              onChange={() => choose(value)}
            />
            {label} <kbd>{key}</kbd>
          </label>
        ))}
      </fieldset>
      {decision !== 'approved' && (
        <Field label="Reason">
          <select
            ref={reasonRef}
            name="reasonCode"
            required
            value={reasonCode}
            disabled={disabled}
            onChange={(e) => setReasonCode(e.currentTarget.value)}
          >
            <option value="">Choose a reason…</option>
            {list.map((r) => (
              <option key={r.code} value={r.code}>
                {r.code} — {r.description}
              </option>
            ))}
          </select>
        </Field>
      )}
      {decision === 'resubmission_requested' && (
        <fieldset disabled={disabled}>
          <legend>Steps the applicant must redo</legend>
          {reasons.resubmitSteps.map((step) => (
            <label key={step} class="check">
              <input
                type="checkbox"
                checked={steps.includes(step)}
                onChange={(e) =>
                  setSteps(e.currentTarget.checked ? [...steps, step] : steps.filter((x) => x !== step))
                }
              />
              {step}
            </label>
          ))}
        </fieldset>
      )}
      <Field label="Note (optional, kept in the audit log)">
        <textarea
          name="note"
          rows={2}
          value={note}
          disabled={disabled}
          onInput={(e) => setNote(e.currentTarget.value)}
        />
      </Field>
      <ErrorBox error={error} />
      <button
        ref={submitRef}
        type="submit"
        class={decision === 'declined' ? 'danger' : ''}
        disabled={
          disabled ||
          busy ||
          (decision !== 'approved' && !reasonCode) ||
          (decision === 'resubmission_requested' && steps.length === 0)
        }
      >
        {busy
          ? 'Saving…'
          : decision === 'approved'
            ? 'Approve session'
            : decision === 'declined'
              ? 'Decline session'
              : 'Request resubmission'}
      </button>
    </form>
  );
}

function Gallery({
  sessionId,
  media,
  currentAttempt,
}: {
  sessionId: string;
  media: any[];
  currentAttempt: string;
}) {
  const [open, setOpen] = useState<any | null>(null);
  const images = media.filter((m) => m.mimeType.startsWith('image/'));
  if (media.length === 0) return <p class="muted">No media.</p>;
  return (
    <>
      <ul class="gallery">
        {images.map((m) => (
          <li key={m.id}>
            <button
              type="button"
              class="thumb"
              onClick={() => setOpen(m)}
              aria-label={`Zoom ${m.context} (${m.id})`}
            >
              <img src={mediaPath(sessionId, m.id)} alt={m.context} loading="lazy" />
            </button>
            <span class="caption">
              {m.context}
              {m.attemptId !== currentAttempt && <span class="muted"> · earlier attempt</span>}
            </span>
          </li>
        ))}
      </ul>
      {media
        .filter((m) => !m.mimeType.startsWith('image/'))
        .map((m) => (
          <p key={m.id}>
            <a href={mediaPath(sessionId, m.id)}>
              {m.context} ({m.mimeType}, {Math.round(m.size / 1024)} KB)
            </a>
          </p>
        ))}
      {open && (
        <Zoom src={mediaPath(sessionId, open.id)} label={open.context} onClose={() => setOpen(null)} />
      )}
    </>
  );
}

function Extracted({ title, fields }: { title: string; fields: Record<string, any> }) {
  const entries = Object.entries(fields ?? {});
  return (
    <>
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <p class="muted">Nothing read.</p>
      ) : (
        <table class="kv">
          <tbody>
            {entries.map(([k, f]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{String(f?.value ?? f)}</td>
                <td class="muted">
                  {f?.source} {typeof f?.confidence === 'number' && `${Math.round(f.confidence * 100)}%`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function KeyValues({ value, empty }: { value: Record<string, unknown>; empty: string }) {
  const entries = Object.entries(value ?? {});
  if (entries.length === 0) return <p class="muted">{empty}</p>;
  return (
    <table class="kv">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td class="mono">{typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CheckResult({ sessionId, check, media }: { sessionId: string; check: any; media: any[] }) {
  const ev = check.evidence ?? {};
  const sides = Array.isArray(ev.sides) ? ev.sides : [];
  // The challenge frames of this attempt, in the order the check judged them.
  const frames =
    check.type === 'active-liveness'
      ? media
          .filter((m) => m.context === 'liveness' && m.mimeType.startsWith('image/'))
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      : [];
  return (
    <article class={`check-result ${check.status}`} aria-label={`${check.type} check`}>
      <header>
        <h3>{check.type}</h3>
        <Badge value={check.status} />
        {typeof check.score === 'number' && (
          <span class="score">
            score <strong>{check.score.toFixed(3)}</strong>
            {typeof check.threshold === 'number' && <> / threshold {check.threshold.toFixed(3)}</>}
          </span>
        )}
        {typeof check.durationMs === 'number' && <span class="muted">{check.durationMs} ms</span>}
      </header>
      {check.reasons.length > 0 && (
        <ul>
          {check.reasons.map((r: any, i: number) => (
            <li key={i}>
              <span class="chip">{r.code}</span> {r.message}
            </li>
          ))}
        </ul>
      )}
      {check.type === 'face-match' && <FaceMatchEvidence sessionId={sessionId} check={check} />}
      {check.type === 'liveness' && ev.selfieMediaId && (
        <div class="faces">
          <figure>
            <ZoomableImage
              src={mediaPath(sessionId, ev.selfieMediaId)}
              label="Selfie judged for liveness"
              class="face"
            />
            <figcaption>Selfie judged for liveness</figcaption>
          </figure>
        </div>
      )}
      {check.artifacts?.portrait && (
        <div class="faces">
          <figure>
            <ZoomableImage
              src={mediaPath(sessionId, check.artifacts.portrait)}
              label="Portrait cut from the document"
              class="face"
            />
            <figcaption>Portrait from the document</figcaption>
          </figure>
        </div>
      )}
      <MrzEvidence sides={sides} />
      <LivenessStrip sessionId={sessionId} frames={frames} evidence={ev} />
      <AmlHits evidence={ev} />
      <details>
        <summary>All evidence</summary>
        <Json value={ev} />
      </details>
    </article>
  );
}

function Notes({
  sessionId,
  notes,
  canWrite,
  onAdded,
}: {
  sessionId: string;
  notes: any[];
  canWrite: boolean;
  onAdded: () => void;
}) {
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  return (
    <div class="card">
      <h2>Notes</h2>
      {notes.length === 0 ? (
        <p class="muted">No notes.</p>
      ) : (
        <ul class="notes">
          {notes.map((n) => (
            <li key={n.id}>
              <p>{n.text}</p>
              <span class="muted">
                {n.actorLabel ?? n.actor} · {when(n.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {canWrite && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api('POST', `/sessions/${sessionId}/notes`, { text });
              setText('');
              onAdded();
            });
          }}
        >
          <Field label="Add a note">
            <textarea rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </Field>
          <ErrorBox error={error} />
          <button type="submit" class="secondary" disabled={busy || !text.trim()}>
            Add note
          </button>
        </form>
      )}
    </div>
  );
}
