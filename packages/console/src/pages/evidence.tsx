import { useState } from 'preact/hooks';
import { Badge } from '../ui.tsx';
import { Zoom } from '../zoom.tsx';

/**
 * What a reviewer looks at to agree or disagree with a check: the MRZ with its check digits, both faces with
 * the score and threshold, the liveness frames, and each screening hit with the list entry and why it matched.
 */

export const mediaPath = (sessionId: string, id: string) => `/v1/sessions/${sessionId}/media/${id}`;

/** An image that opens the zoom viewer. */
export function ZoomableImage({ src, label, class: cls }: { src: string; label: string; class?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        class={`thumb ${cls ?? ''}`}
        onClick={() => setOpen(true)}
        aria-label={`Zoom ${label}`}
      >
        <img src={src} alt={label} loading="lazy" />
      </button>
      {open && <Zoom src={src} label={label} onClose={() => setOpen(false)} />}
    </>
  );
}

const DIGIT_NAMES: Record<string, string> = {
  documentNumber: 'Document number',
  birthDate: 'Date of birth',
  expirationDate: 'Expiry date',
  personalNumber: 'Personal number',
  composite: 'Composite',
};

interface MrzSide {
  context: string;
  mrzFormat?: string;
  mrzLines?: string[];
  checkDigits?: { name: string; valid: boolean; at?: [number, number] }[];
  corrections?: unknown[];
}

/** The MRZ as read, each check digit marked, and a table saying which held. */
export function MrzEvidence({ sides }: { sides: MrzSide[] }) {
  const read = sides.filter((s) => s.mrzLines?.length);
  if (read.length === 0) return null;
  return (
    <>
      {read.map((side) => {
        const digits = side.checkDigits ?? [];
        const at = new Map(digits.filter((d) => d.at).map((d) => [`${d.at![0]}:${d.at![1]}`, d]));
        return (
          <div class="evidence-block" key={side.context}>
            <h4>
              MRZ{' '}
              <span class="muted">
                ({side.context}, {side.mrzFormat})
              </span>
            </h4>
            <pre class="mrz">
              {side.mrzLines!.map((line, l) => (
                <span key={l} class="mrz-line">
                  {[...line].map((ch, c) => {
                    const d = at.get(`${l}:${c}`);
                    if (!d) return ch;
                    return (
                      <mark
                        key={c}
                        class={d.valid ? 'digit-ok' : 'digit-bad'}
                        title={`${DIGIT_NAMES[d.name] ?? d.name} check digit: ${d.valid ? 'valid' : 'invalid'}`}
                      >
                        {ch}
                      </mark>
                    );
                  })}
                  {'\n'}
                </span>
              ))}
            </pre>
            {digits.length > 0 && (
              <table class="digits">
                <caption class="sr-only">Check digits of the {side.context} MRZ</caption>
                <thead>
                  <tr>
                    <th scope="col">Check digit</th>
                    <th scope="col">Where</th>
                    <th scope="col">Result</th>
                  </tr>
                </thead>
                <tbody>
                  {digits.map((d) => (
                    <tr key={d.name}>
                      <th scope="row">{DIGIT_NAMES[d.name] ?? d.name}</th>
                      <td>
                        {d.at ? (
                          <>
                            line {d.at[0] + 1}, position {d.at[1] + 1}:{' '}
                            <code>{side.mrzLines![d.at[0]]?.[d.at[1]]}</code>
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>
                        <Badge value={d.valid ? 'valid' : 'invalid'} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
      })}
    </>
  );
}

/** The reference (document portrait or reference photo) and the selfie side by side, with where the score fell. */
export function FaceMatchEvidence({ sessionId, check }: { sessionId: string; check: any }) {
  const ev = check.evidence ?? {};
  if (!ev.selfieMediaId && !ev.referenceMediaId) return null;
  const reference = ev.referenceContext === 'face-reference' ? 'Reference photo' : 'Document portrait';
  const scored = typeof check.score === 'number' && typeof check.threshold === 'number';
  return (
    <div class="evidence-block">
      <div class="faces">
        <figure>
          {ev.referenceMediaId ? (
            <ZoomableImage src={mediaPath(sessionId, ev.referenceMediaId)} label={reference} class="face" />
          ) : (
            <p class="muted face-missing">No portrait to compare with.</p>
          )}
          <figcaption>{reference}</figcaption>
        </figure>
        <figure>
          {ev.selfieMediaId && (
            <ZoomableImage src={mediaPath(sessionId, ev.selfieMediaId)} label="Selfie" class="face" />
          )}
          <figcaption>Selfie</figcaption>
        </figure>
      </div>
      {scored && (
        <p class="similarity">
          Similarity <strong>{check.score.toFixed(3)}</strong> {check.score >= check.threshold ? '≥' : '<'}{' '}
          threshold <strong>{check.threshold.toFixed(3)}</strong>:{' '}
          {check.score >= check.threshold ? 'the same person' : 'not the same person'}
          {ev.model && <span class="muted"> · model {ev.model}</span>}
        </p>
      )}
    </div>
  );
}

/** The frames the applicant's camera sent during the challenge, in order, with the step each one completed. */
export function LivenessStrip({
  sessionId,
  frames,
  evidence,
}: {
  sessionId: string;
  frames: { id: string }[];
  evidence: any;
}) {
  if (frames.length === 0) return null;
  const completed = new Map<number, string>(
    (Array.isArray(evidence?.completed) ? evidence.completed : []).map(
      (c: { step: string; frame: number }) => [c.frame, c.step],
    ),
  );
  const steps: string[] = evidence?.challenge?.steps ?? [];
  return (
    <div class="evidence-block">
      <h4>Challenge frames</h4>
      {steps.length > 0 && (
        <p>
          Asked: {steps.map((s) => s.replace('-', ' ')).join(' → ')}
          {typeof evidence.lowestSimilarity === 'number' && (
            <span class="muted"> · lowest same-face similarity {evidence.lowestSimilarity.toFixed(3)}</span>
          )}
        </p>
      )}
      <ol class="strip" aria-label="Liveness frames in the order they were taken">
        {frames.map((f, i) => (
          <li key={f.id} class={completed.has(i) ? 'done' : ''}>
            <ZoomableImage
              src={mediaPath(sessionId, f.id)}
              label={`Liveness frame ${i + 1} of ${frames.length}`}
            />
            <span class="caption">
              {i + 1}
              {completed.has(i) && <strong> · {completed.get(i)!.replace('-', ' ')} seen</strong>}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

const FEATURES: Record<string, string> = {
  name: 'Name',
  weak_alias: 'Weak alias',
};

/** Each screening hit: who, on which list, and feature by feature why the score is what it is. */
export function AmlHits({ evidence }: { evidence: any }) {
  const hits: any[] = Array.isArray(evidence?.hits) ? evidence.hits : [];
  if (hits.length === 0) return null;
  const screened = evidence.screened;
  return (
    <div class="evidence-block">
      <h4>Screening hits</h4>
      {screened && (
        <p>
          Screened: <strong>{screened.name}</strong>
          {screened.dateOfBirth && <>, born {screened.dateOfBirth}</>}
          {screened.nationality && <>, {screened.nationality}</>}{' '}
          <span class="muted">(from the {screened.source})</span>
        </p>
      )}
      {hits.map((h) => (
        <article class="hit" key={h.entityId} aria-label={`Hit ${h.name}`}>
          <header>
            <strong>{h.name}</strong> <span class="score">score {Number(h.score).toFixed(2)}</span>
          </header>
          <dl class="hit-entry">
            <div>
              <dt>Matched name</dt>
              <dd>{h.matchedName}</dd>
            </div>
            <div>
              <dt>List</dt>
              <dd>
                {(h.lists ?? [])
                  .map((l: any) =>
                    typeof l === 'string' ? l : `${l.title ?? l.listId}${l.date ? ` (${l.date})` : ''}`,
                  )
                  .join(', ') || h.listId}
              </dd>
            </div>
            <div>
              <dt>Entry</dt>
              <dd class="mono">
                {h.ref}
                {h.reference && <> · {h.reference}</>}
              </dd>
            </div>
            {h.programs?.length > 0 && (
              <div>
                <dt>Programmes</dt>
                <dd>{h.programs.join(', ')}</dd>
              </div>
            )}
            {h.birthDates?.length > 0 && (
              <div>
                <dt>Born</dt>
                <dd>{h.birthDates.join(', ')}</dd>
              </div>
            )}
            {h.nationalities?.length > 0 && (
              <div>
                <dt>Countries</dt>
                <dd>{h.nationalities.join(', ')}</dd>
              </div>
            )}
            {h.topics?.length > 0 && (
              <div>
                <dt>Topics</dt>
                <dd>{h.topics.join(', ')}</dd>
              </div>
            )}
          </dl>
          {Array.isArray(h.explanation) && h.explanation.length > 0 && (
            <table class="explanation">
              <caption>Why it matched</caption>
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col">Effect on the score</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {h.explanation.map((x: any, i: number) => (
                  <tr key={i}>
                    <th scope="row">{FEATURES[x.feature] ?? String(x.feature).replaceAll('_', ' ')}</th>
                    <td class={x.contribution < 0 ? 'negative' : ''}>
                      {x.contribution > 0 ? '+' : ''}
                      {Number(x.contribution).toFixed(2)}
                    </td>
                    <td>{x.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      ))}
    </div>
  );
}
