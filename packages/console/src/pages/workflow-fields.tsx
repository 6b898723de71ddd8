import countries from 'i18n-iso-countries';
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';

/**
 * A check's settings as form fields, generated from the JSON Schema the server publishes for that check
 * (GET /v1/checks) — the same schema it validates a saved workflow with. Keys the schema does not know are left in
 * the config untouched, so a save never drops them.
 */

/** The subset of JSON Schema the checks' zod schemas produce. */
export interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: string[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
}

/** Server problems by where they are: "checks[2].config.threshold" → its message. */
export type Problems = Map<string, string>;

/** Splits the server's `checks[i].config.path: message` problems by field; the rest stay general. */
export function sortProblems(messages: string[]): { byField: Problems; general: string[] } {
  const byField: Problems = new Map();
  const general: string[] = [];
  for (const m of messages) {
    const hit = /^(checks\[\d+\]\.config\.[\w.]+?)(?:\.\d+)?: (.*)$/.exec(m);
    if (hit) byField.set(hit[1]!, [byField.get(hit[1]!), hit[2]!].filter(Boolean).join('; '));
    else general.push(m);
  }
  return { byField, general };
}

/** "minInterEyePx" → "Min inter eye px". */
function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const domId = (path: string) => `f-${path.replace(/[^\w-]/g, '_')}`;

export function ConfigFields({
  schema,
  value,
  onChange,
  path,
  problems,
  disabled,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (next: Record<string, unknown>) => void;
  /** Where this object is, as the server names it: "checks[1].config". */
  path: string;
  problems: Problems;
  disabled: boolean;
}) {
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) return <p class="muted">This check has no settings.</p>;
  const set = (key: string, v: unknown) => {
    const next = { ...value };
    // An emptied field is left out: the server fills in the default and stores it.
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next);
  };
  return (
    <div class="config-fields">
      {props.map(([key, prop]) => (
        <SettingField
          key={key}
          name={key}
          schema={prop}
          value={value[key]}
          onChange={(v) => set(key, v)}
          path={`${path}.${key}`}
          problems={problems}
          disabled={disabled}
        />
      ))}
    </div>
  );
}

function SettingField({
  name,
  schema,
  value,
  onChange,
  path,
  problems,
  disabled,
}: {
  name: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (v: unknown) => void;
  path: string;
  problems: Problems;
  disabled: boolean;
}) {
  const label = humanize(name);
  const problem = problems.get(path);
  const id = domId(path);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const hint =
    [
      schema.description,
      rangeText(schema),
      schema.default !== undefined && !isObject(schema.default)
        ? `Default ${JSON.stringify(schema.default)}.`
        : '',
    ]
      .filter(Boolean)
      .join(' ') || undefined;
  const describedBy = [hint && hintId, problem && errorId].filter(Boolean).join(' ') || undefined;
  const messages = (
    <>
      {hint && (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      )}
      {problem && (
        <span class="field-error" id={errorId}>
          {problem}
        </span>
      )}
    </>
  );

  if (schema.type === 'object' && schema.properties) {
    return (
      <fieldset class="nested">
        <legend>{label}</legend>
        <ConfigFields
          schema={schema}
          value={isObject(value) ? value : {}}
          onChange={onChange}
          path={path}
          problems={problems}
          disabled={disabled}
        />
      </fieldset>
    );
  }
  if (schema.type === 'boolean') {
    return (
      <div class="field">
        <label class="check">
          <input
            type="checkbox"
            checked={value === undefined ? schema.default === true : value === true}
            disabled={disabled}
            aria-describedby={describedBy}
            aria-invalid={problem ? true : undefined}
            onChange={(e) => onChange(e.currentTarget.checked)}
          />
          {label}
        </label>
        {messages}
      </div>
    );
  }
  if (schema.type === 'array' && schema.items?.enum) {
    const chosen = Array.isArray(value) ? (value as string[]) : [];
    return (
      <fieldset class="choices" aria-describedby={describedBy} aria-invalid={problem ? true : undefined}>
        <legend>{label}</legend>
        {schema.items.enum.map((option) => (
          <label class="check" key={option}>
            <input
              type="checkbox"
              checked={chosen.includes(option)}
              disabled={disabled}
              onChange={(e) =>
                onChange(e.currentTarget.checked ? [...chosen, option] : chosen.filter((x) => x !== option))
              }
            />
            {option.replaceAll('_', ' ')}
          </label>
        ))}
        {messages}
      </fieldset>
    );
  }
  if (schema.type === 'array' && /Countries$/.test(name)) {
    return (
      <CountryPicker
        label={label}
        value={Array.isArray(value) ? (value as string[]) : []}
        onChange={(v) => onChange(v)}
        disabled={disabled}
        describedBy={describedBy}
        invalid={!!problem}
        messages={messages}
      />
    );
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    return (
      <div class="field">
        <label class="label" for={id}>
          {label}
        </label>
        <input
          id={id}
          type="number"
          inputMode="decimal"
          step={schema.type === 'integer' ? 1 : 'any'}
          value={typeof value === 'number' ? String(value) : ''}
          placeholder={schema.default !== undefined ? String(schema.default) : undefined}
          disabled={disabled}
          aria-describedby={describedBy}
          aria-invalid={problem ? true : undefined}
          onInput={(e) => {
            const t = e.currentTarget.value;
            onChange(t === '' ? undefined : Number(t));
          }}
        />
        {messages}
      </div>
    );
  }
  // Free lists (domains, list ids) are written comma-separated; plain strings as they are.
  const isList = schema.type === 'array';
  const text = isList
    ? Array.isArray(value)
      ? value.join(', ')
      : ''
    : typeof value === 'string'
      ? value
      : '';
  return (
    <div class="field">
      <label class="label" for={id}>
        {label}
        {isList && <span class="muted"> (comma-separated)</span>}
      </label>
      <input
        id={id}
        value={text}
        disabled={disabled}
        aria-describedby={describedBy}
        aria-invalid={problem ? true : undefined}
        onInput={(e) => {
          const t = e.currentTarget.value;
          if (!isList) onChange(t === '' ? undefined : t);
          else {
            const items = t
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean);
            onChange(items.length || Array.isArray(value) ? items : undefined);
          }
        }}
      />
      {messages}
    </div>
  );
}

function rangeText(s: JsonSchema): string {
  const lo = s.minimum ?? s.exclusiveMinimum;
  if (lo === undefined && s.maximum === undefined) return '';
  if (s.maximum !== undefined && s.maximum > 1e12) return lo !== undefined ? `At least ${lo}.` : '';
  if (lo !== undefined && s.maximum !== undefined) return `From ${lo} to ${s.maximum}.`;
  return lo !== undefined ? `At least ${lo}.` : `At most ${s.maximum}.`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

interface Country {
  alpha3: string;
  alpha2: string;
  name: string;
}

let allCountries: Country[] | undefined;
/** ISO 3166-1 countries with their English names from the browser, sorted by name. */
function countryList(): Country[] {
  if (allCountries) return allCountries;
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  allCountries = Object.entries(countries.getAlpha3Codes())
    .map(([alpha3, alpha2]) => ({ alpha3, alpha2, name: names.of(alpha2) ?? alpha3 }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
  return allCountries;
}

function countryName(code: string): string {
  const c = countryList().find((x) => x.alpha3 === code || x.alpha2 === code);
  return c ? c.name : code;
}

/** A searchable multi-select of ISO countries; stores alpha-3 codes (codes already stored stay as they are). */
function CountryPicker({
  label,
  value,
  onChange,
  disabled,
  describedBy,
  invalid,
  messages,
}: {
  label: string;
  value: string[];
  onChange: (v: string[]) => void;
  disabled: boolean;
  describedBy: string | undefined;
  invalid: boolean;
  messages: ComponentChildren;
}) {
  const [query, setQuery] = useState('');
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    return countryList()
      .filter(
        (c) =>
          c.name.toLowerCase().includes(q) || c.alpha3.toLowerCase() === q || c.alpha2.toLowerCase() === q,
      )
      .slice(0, 12);
  }, [query]);
  const has = (c: Country) => value.includes(c.alpha3) || value.includes(c.alpha2);
  return (
    <fieldset class="country-picker" aria-describedby={describedBy} aria-invalid={invalid ? true : undefined}>
      <legend>{label}</legend>
      {value.length === 0 ? (
        <p class="muted">None chosen.</p>
      ) : (
        <ul class="chosen" aria-label={`${label} chosen`}>
          {value.map((code) => (
            <li key={code} class="chip">
              {countryName(code)} <span class="mono">{code}</span>
              <button
                type="button"
                class="link"
                disabled={disabled}
                aria-label={`Remove ${countryName(code)} from ${label.toLowerCase()}`}
                onClick={() => onChange(value.filter((x) => x !== code))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        type="search"
        aria-label={`Find a country for ${label.toLowerCase()}`}
        placeholder="Type a country name or code"
        value={query}
        disabled={disabled}
        onInput={(e) => setQuery(e.currentTarget.value)}
      />
      {matches.length > 0 && (
        <ul class="country-matches">
          {matches.map((c) => (
            <li key={c.alpha3}>
              <label class="check">
                <input
                  type="checkbox"
                  checked={has(c)}
                  disabled={disabled}
                  onChange={(e) =>
                    onChange(
                      e.currentTarget.checked
                        ? [...value, c.alpha3]
                        : value.filter((x) => x !== c.alpha3 && x !== c.alpha2),
                    )
                  }
                />
                {c.name} <span class="mono muted">{c.alpha3}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {query.trim() && matches.length === 0 && <p class="muted">No country matches “{query.trim()}”.</p>}
      {messages}
    </fieldset>
  );
}
