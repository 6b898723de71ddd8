import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorBox, Field, Loading, PageHeader, useAction, useAsync } from '../ui.tsx';

/** What the server accepts (it checks again, by the bytes): the journey sends the logo inline. */
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const LOGO_MAX_BYTES = 100_000;
/** Focus rings and selected options are drawn in the colour on the journey's white page (WCAG 1.4.11). */
const MIN_CONTRAST = 3;

interface Application {
  id: string;
  name: string;
  branding: {
    logo: string | null;
    primaryColor: string | null;
    termsUrl: string | null;
    privacyUrl: string | null;
  };
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}
const isHex = (c: string) => /^#[0-9a-f]{6}$/i.test(c);
const contrastOnWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);
/** Button text on the colour: black or white, whichever contrasts more (as the journey picks it). */
const onColor = (hex: string) =>
  1.05 / (luminance(hex) + 0.05) >= (luminance(hex) + 0.05) / 0.05 ? '#ffffff' : '#000000';

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('The file could not be read.'));
    r.readAsDataURL(file);
  });
}

/** The application's name, logo, colour and links, as the applicant journey shows them. */
export function BrandingPage() {
  const { data, error, loading, reload } = useAsync<Application>(() => api('GET', '/application'), []);
  const [name, setName] = useState('');
  const [color, setColor] = useState('');
  const [logo, setLogo] = useState<string | null>(null);
  const [termsUrl, setTermsUrl] = useState('');
  const [privacyUrl, setPrivacyUrl] = useState('');
  const [logoProblem, setLogoProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const action = useAction();

  useEffect(() => {
    if (!data) return;
    setName(data.name);
    setColor(data.branding.primaryColor ?? '');
    setLogo(data.branding.logo);
    setTermsUrl(data.branding.termsUrl ?? '');
    setPrivacyUrl(data.branding.privacyUrl ?? '');
  }, [data]);

  if (loading && !data) return <Loading />;
  if (!data) return <ErrorBox error={error} />;

  const ratio = isHex(color) ? contrastOnWhite(color) : null;
  const colorProblem =
    color && !isHex(color)
      ? 'Write the colour as #rrggbb.'
      : ratio !== null && ratio < MIN_CONTRAST
        ? `Contrast ${ratio.toFixed(2)}:1 against white is below ${MIN_CONTRAST}:1; focus rings and selected options would be hard to see.`
        : null;

  const pickLogo = async (file: File | undefined) => {
    setLogoProblem(null);
    if (!file) return;
    if (!LOGO_TYPES.includes(file.type)) {
      setLogoProblem(`${file.name} is not a PNG, JPEG or WebP image.`);
      return;
    }
    if (file.size > LOGO_MAX_BYTES) {
      setLogoProblem(
        `${file.name} has ${Math.round(file.size / 1000)} kB; at most ${LOGO_MAX_BYTES / 1000} kB are accepted.`,
      );
      return;
    }
    setLogo(await readAsDataUrl(file));
  };

  const save = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void action.run(async () => {
      const b = data.branding;
      const changed = <T,>(now: T, before: T) => (now === before ? undefined : now);
      await api('PATCH', '/application', {
        ...(name !== data.name && { name }),
        branding: {
          logo: changed(logo, b.logo),
          primaryColor: changed(color || null, b.primaryColor),
          termsUrl: changed(termsUrl || null, b.termsUrl),
          privacyUrl: changed(privacyUrl || null, b.privacyUrl),
        },
      });
      setSaved(true);
      reload();
    });
  };

  const preview = isHex(color) && !colorProblem ? color : '#0b57d0';
  return (
    <section>
      <PageHeader title="Branding" />
      <p class="muted">What applicants see in the verification journey: the name, logo and colour.</p>
      <div class="grid-2">
        <form class="card" aria-label="Branding" onSubmit={save} noValidate>
          <Field label="Application name" hint="Shown to applicants: “… asks you to verify your identity”.">
            <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <Field label="Logo" hint="PNG, JPEG or WebP, at most 100 kB.">
            <input
              type="file"
              accept={LOGO_TYPES.join(',')}
              aria-invalid={logoProblem ? true : undefined}
              aria-describedby={logoProblem ? 'logo-problem' : undefined}
              onChange={(e) => void pickLogo(e.currentTarget.files?.[0])}
            />
          </Field>
          {logoProblem && (
            <p class="error" id="logo-problem" role="alert">
              {logoProblem}
            </p>
          )}
          {logo && (
            <p>
              <button type="button" class="secondary small" onClick={() => setLogo(null)}>
                Remove logo
              </button>
            </p>
          )}
          <div class="row">
            <Field label="Primary colour">
              <input
                class="mono"
                value={color}
                placeholder="#0b57d0"
                maxLength={7}
                aria-invalid={colorProblem ? true : undefined}
                aria-describedby="colour-contrast"
                onInput={(e) => setColor(e.currentTarget.value.trim())}
              />
            </Field>
            <Field label="Pick a colour">
              <input
                type="color"
                value={isHex(color) ? color.toLowerCase() : '#0b57d0'}
                onInput={(e) => setColor(e.currentTarget.value)}
              />
            </Field>
          </div>
          <p
            id="colour-contrast"
            class={colorProblem ? 'error' : 'muted'}
            role={colorProblem ? 'alert' : undefined}
          >
            {colorProblem ??
              (ratio !== null
                ? `Contrast ${ratio.toFixed(2)}:1 against white (at least ${MIN_CONTRAST}:1 needed).`
                : 'No colour: the journey uses its own blue.')}
          </p>
          <Field label="Terms link">
            <input type="url" value={termsUrl} onInput={(e) => setTermsUrl(e.currentTarget.value.trim())} />
          </Field>
          <Field label="Privacy notice link">
            <input
              type="url"
              value={privacyUrl}
              onInput={(e) => setPrivacyUrl(e.currentTarget.value.trim())}
            />
          </Field>
          <ErrorBox error={action.error} />
          {saved && (
            <p class="ok" role="status">
              Saved. New journeys show it at once.
            </p>
          )}
          <button type="submit" disabled={action.busy || !!colorProblem || !!logoProblem || !name.trim()}>
            Save branding
          </button>
        </form>
        <div class="card">
          <h2>Preview</h2>
          <div class="brand-preview">
            <div class="brand-preview-top">
              {logo ? (
                <img class="brand-preview-logo" src={logo} alt={`${name} logo`} />
              ) : (
                <strong>{name}</strong>
              )}
            </div>
            <p>{name} asks you to verify your identity.</p>
            <span class="brand-preview-button" style={{ background: preview, color: onColor(preview) }}>
              Start
            </span>
          </div>
        </div>
      </div>
    </section>
  );
}
