import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChallengeStep } from './api.ts';
import { CameraError, type CameraProblem, grabFrame, openCamera, smallCopy, stopCamera } from './camera.ts';
import type { Translate } from './i18n/index.ts';
import { measureFrame, type QualityIssue, qualityIssue } from './quality.ts';
import { Heading } from './ui.tsx';

export interface CaptureProps {
  t: Translate;
  kind: 'document' | 'selfie';
  title: string;
  hint: string;
  /** Width/height of the frame guide (ID-1 card 1.586, passport page 1.42; the selfie oval 0.75). */
  aspect: number;
  /** Extra frames to take after the photo (a short selfie burst for liveness). */
  burst?: number;
  /**
   * Active liveness: called after the photo to get the server's challenge; each step's instruction is shown
   * while frames are recorded, and the frames are sent as the burst (unmirrored, as the camera gives them).
   */
  challenge?: (() => Promise<ChallengeStep[]>) | undefined;
  /** Sends the photo (and burst frames); rejects with a message to show. */
  send(photo: Blob, burst: Blob[]): Promise<void>;
  progressLabel?: string | undefined;
}

interface Shot {
  blob: Blob;
  url: string;
  burst: Blob[];
  issue: QualityIssue | null;
}

/** The part of the frame the guide covers, in the frame's own pixels. */
function guideRegion(kind: 'document' | 'selfie', w: number, h: number) {
  const gw = kind === 'document' ? w * 0.8 : w * 0.45;
  const gh = kind === 'document' ? Math.min(h * 0.8, gw / 1.5) : h * 0.7;
  return { x: (w - gw) / 2, y: (h - gh) / 2, w: gw, h: gh };
}

function judge(kind: 'document' | 'selfie', img: ImageData | null): QualityIssue | null {
  if (!img) return null;
  const issue = qualityIssue(
    measureFrame(img.data, img.width, img.height, guideRegion(kind, img.width, img.height)),
  );
  // Glare is about documents; a lit forehead is not a problem for a selfie.
  return kind === 'selfie' && issue === 'glare' ? null : issue;
}

async function judgeBlob(kind: 'document' | 'selfie', blob: Blob): Promise<QualityIssue | null> {
  try {
    const bitmap = await createImageBitmap(blob);
    const issue = judge(kind, smallCopy(bitmap, bitmap.width, bitmap.height));
    bitmap.close();
    return issue;
  } catch {
    return null; // a format this browser cannot decode (HEIC): the server judges it
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Live camera with a frame guide and instant feedback, a file-upload fallback, and a review before sending. */
export function Capture(props: CaptureProps) {
  const { t, kind } = props;
  const [mode, setMode] = useState<'camera' | 'upload'>('camera');
  const [problem, setProblem] = useState<CameraProblem | null>(null);
  const [ready, setReady] = useState(false);
  const [issue, setIssue] = useState<QualityIssue | null | undefined>(undefined);
  const [shot, setShot] = useState<Shot | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [instruction, setInstruction] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);

  useEffect(() => {
    if (mode !== 'camera' || shot) return;
    let live = true;
    setReady(false);
    openCamera(kind === 'selfie' ? 'user' : 'environment').then(
      (s) => {
        if (!live) return stopCamera(s);
        stream.current = s;
        const v = video.current!;
        v.srcObject = s;
        v.play().catch(() => {});
      },
      (e: unknown) => {
        if (!live) return;
        setProblem(e instanceof CameraError ? e.problem : 'unavailable');
        setMode('upload');
      },
    );
    const timer = setInterval(() => {
      const v = video.current;
      if (!v || v.readyState < 2) return;
      setReady(true);
      setIssue(judge(kind, smallCopy(v, v.videoWidth, v.videoHeight)));
    }, 300);
    return () => {
      live = false;
      clearInterval(timer);
      stopCamera(stream.current);
      stream.current = null;
    };
  }, [mode, shot === null, kind]);

  useEffect(() => () => shot && URL.revokeObjectURL(shot.url), [shot]);

  const take = async () => {
    const v = video.current;
    if (!v || v.readyState < 2) return;
    const blob = await grabFrame(v);
    const burst: Blob[] = [];
    if (props.challenge) {
      setInstruction(t('challengeRecording'));
      try {
        const steps = await props.challenge();
        burst.push(await grabFrame(v)); // where the face starts
        for (const step of steps) {
          setInstruction(t(`ch_${step}`));
          await sleep(1500); // time to move
          for (let i = 0; i < 3; i++) {
            burst.push(await grabFrame(v));
            await sleep(300);
          }
        }
      } catch (e) {
        setInstruction(null);
        setError(t('uploadFailed', { message: (e as Error).message }));
        return;
      }
      setInstruction(null);
    }
    for (let i = 0; i < (props.burst ?? 0); i++) {
      await sleep(250);
      burst.push(await grabFrame(v));
    }
    setShot({ blob, url: URL.createObjectURL(blob), burst, issue: await judgeBlob(kind, blob) });
  };

  const choose = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    setShot({ blob: file, url: URL.createObjectURL(file), burst: [], issue: await judgeBlob(kind, file) });
  };

  const send = async () => {
    if (!shot) return;
    setSending(true);
    setError(null);
    try {
      await props.send(shot.blob, shot.burst);
    } catch (e) {
      setError(t('uploadFailed', { message: (e as Error).message }));
      setSending(false);
    }
  };

  if (shot) {
    return (
      <section class="screen" aria-labelledby="h">
        <Heading>{t('reviewPhotoTitle')}</Heading>
        {props.progressLabel && <p class="muted">{props.progressLabel}</p>}
        <p>{t('reviewPhotoText')}</p>
        <img class={`review ${kind === 'selfie' ? 'mirror' : ''}`} src={shot.url} alt={t('reviewPhotoAlt')} />
        {shot.issue && (
          <p class="warn" role="status">
            {t('reviewWarn', { issue: t(`q_${shot.issue}`) })}
          </p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" class="primary" onClick={send} disabled={sending} aria-busy={sending}>
            {sending ? t('sending') : error ? t('tryAgain') : t('usePhoto')}
          </button>
          <button type="button" class="secondary" onClick={() => setShot(null)} disabled={sending}>
            {t('retake')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section class="screen" aria-labelledby="h">
      <Heading>{props.title}</Heading>
      {props.progressLabel && <p class="muted">{props.progressLabel}</p>}
      <p>{props.hint}</p>
      {mode === 'camera' ? (
        <>
          <div class={`viewfinder ${kind}`}>
            <video
              ref={video}
              class={kind === 'selfie' ? 'mirror' : ''}
              playsInline
              muted
              autoPlay
              aria-label={t('cameraPreview')}
            />
            <div class="guide" style={{ aspectRatio: String(props.aspect) }} aria-hidden="true" />
          </div>
          {instruction ? (
            <p class="hint challenge" role="status" aria-live="assertive">
              {instruction}
            </p>
          ) : (
            <p
              class={`hint ${issue ? 'bad' : issue === null ? 'good' : ''}`}
              role="status"
              aria-live="polite"
            >
              {!ready ? t('cameraStarting') : t(issue ? `q_${issue}` : 'q_ok')}
            </p>
          )}
          {props.challenge && !instruction && <p class="muted">{t('challengeIntro')}</p>}
          <div class="actions">
            <button type="button" class="primary" onClick={take} disabled={!ready || instruction !== null}>
              {t('capture')}
            </button>
            <button type="button" class="link" onClick={() => setMode('upload')}>
              {t('uploadInstead')}
            </button>
          </div>
        </>
      ) : (
        <>
          {problem && (
            <p class="warn" role="status">
              {t(problem === 'denied' ? 'cameraDenied' : 'noCamera')}
            </p>
          )}
          <div class="actions">
            <label class="button primary file">
              {t('chooseFile')}
              <input
                type="file"
                accept="image/jpeg,image/png,image/webp,image/heic,image/heif,image/avif"
                capture={kind === 'selfie' ? 'user' : 'environment'}
                onChange={choose}
              />
            </label>
            {!problem && (
              <button type="button" class="link" onClick={() => setMode('camera')}>
                {t('useCamera')}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
