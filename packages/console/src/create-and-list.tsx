import type { ComponentChildren, VNode } from 'preact';
import { api } from './api.ts';
import { Empty, ErrorBox, Loading, type useAction } from './ui.tsx';

/**
 * The layout the settings pages share (API keys, webhooks, eID providers, blocklists): a form that creates one
 * thing, a secret shown once, and the list of what exists with a button or two per row.
 */

type Action = ReturnType<typeof useAction>;

/** A card with the create form's fields and its one submit button, busy while the request runs. */
export function CreateForm({
  action,
  onSubmit,
  submit,
  title,
  label,
  inline = false,
  disabled = false,
  children,
}: {
  action: Action;
  onSubmit: () => Promise<unknown>;
  /** The submit button's text. */
  submit: string;
  /** A heading inside the card. */
  title?: string;
  /** The form's accessible name when it has no heading. */
  label?: string;
  /** Fields and button on one line. */
  inline?: boolean;
  disabled?: boolean;
  children: ComponentChildren;
}) {
  return (
    <form
      class={inline ? 'card inline-form' : 'card'}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(onSubmit);
      }}
    >
      {title && <h2>{title}</h2>}
      {children}
      <button type="submit" disabled={action.busy || disabled}>
        {submit}
      </button>
    </form>
  );
}

/** Checkboxes choosing some of a fixed list (events, flows). */
export function CheckboxGroup<T extends string>({
  legend,
  options,
  value,
  onChange,
  labelOf = (o) => o,
}: {
  legend: string;
  options: readonly T[];
  value: string[];
  onChange: (value: string[]) => void;
  labelOf?: (option: T) => string;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div class="checks">
        {options.map((o) => (
          <label key={o} class="check">
            <input
              type="checkbox"
              checked={value.includes(o)}
              onChange={(e) =>
                onChange(e.currentTarget.checked ? [...value, o] : value.filter((x) => x !== o))
              }
            />
            {labelOf(o)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A secret the server returns once (an API key, a signing secret): selectable, and gone when dismissed. */
export function ShownOnce({
  label,
  value,
  onDone,
  children,
}: {
  label: string;
  value: string;
  onDone: () => void;
  children: ComponentChildren;
}) {
  return (
    <div class="card secret" role="status">
      <p>{children}</p>
      <label class="field">
        <span class="label">{label}</span>
        <input readOnly value={value} class="mono" onFocus={(e) => e.currentTarget.select()} />
      </label>
      <button type="button" class="secondary" onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}

/**
 * What a list shows while it loads, when it failed, and when it is empty; `children` draws the items.
 * Without `empty`, an empty list is still drawn (a table with its headings).
 */
export function Listing<T>({
  error,
  loading,
  items,
  empty,
  children,
}: {
  error: Error | null | undefined;
  loading?: boolean;
  items: T[] | undefined;
  empty?: string;
  children: (items: T[]) => VNode;
}) {
  return (
    <>
      <ErrorBox error={error} />
      {loading && !items && <Loading />}
      {items && items.length === 0 && empty ? <Empty>{empty}</Empty> : items && children(items)}
    </>
  );
}

/** A table of things with a last, unlabelled-on-screen column for each row's buttons. */
export function ListTable({
  columns,
  children,
}: {
  columns: ComponentChildren[];
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A small button in a row that runs one request (asking first when `confirm` is given). */
export function RowButton({
  action,
  run,
  label,
  confirm: question,
  tone,
  children,
}: {
  action: Action;
  run: () => Promise<unknown>;
  /** The accessible name: which row's thing it acts on. */
  label: string;
  confirm?: string;
  tone: 'danger' | 'secondary' | 'primary';
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class={tone === 'primary' ? 'small' : `small ${tone}`}
      aria-label={label}
      onClick={() => {
        if (question && !confirm(question)) return;
        void action.run(run);
      }}
    >
      {children}
    </button>
  );
}

/** A row's danger button that deletes its thing (`DELETE path`), then reloads the list. */
export function DeleteButton({
  action,
  path,
  onDeleted,
  label,
  confirm,
  children = 'Remove',
}: {
  action: Action;
  path: string;
  onDeleted: () => void;
  label: string;
  confirm?: string;
  children?: ComponentChildren;
}) {
  return (
    <RowButton
      action={action}
      tone="danger"
      label={label}
      {...(confirm !== undefined && { confirm })}
      run={async () => {
        await api('DELETE', path);
        onDeleted();
      }}
    >
      {children}
    </RowButton>
  );
}
