import { useState } from 'preact/hooks';
import { api, can, type Me } from '../api.ts';
import { CreateForm, DeleteButton, Listing, ListTable } from '../create-and-list.tsx';
import { Field, PageHeader, useAction, useAsync, when } from '../ui.tsx';

type Kind = 'email' | 'phone' | 'ip' | 'document' | 'faces';

const KINDS: { kind: Kind; label: string; placeholder: string }[] = [
  { kind: 'email', label: 'Emails', placeholder: 'fraud.ring@example.com' },
  { kind: 'phone', label: 'Phone numbers', placeholder: '+372 5555 1234' },
  { kind: 'ip', label: 'IP addresses', placeholder: '203.0.113.7' },
  { kind: 'document', label: 'Document numbers', placeholder: 'L898902C3' },
  { kind: 'faces', label: 'Faces', placeholder: 'ses_… (the session whose selfie to block)' },
];

/**
 * The application's blocklists: values (kept only as keyed digests, shown masked) and faces (kept only as
 * sealed embeddings). A session that matches raises *_BLOCKLISTED or FACE_BLOCKLISTED.
 */
export function BlocklistsPage({ me }: { me: Me }) {
  const [kind, setKind] = useState<Kind>('email');
  const { data, error, loading, reload } = useAsync(() => api('GET', `/blocklists/${kind}`), [kind]);
  const [value, setValue] = useState('');
  const [note, setNote] = useState('');
  const action = useAction();
  const editable = can(me, 'reviewer');
  const current = KINDS.find((k) => k.kind === kind)!;
  const add = async () => {
    const body =
      kind === 'faces'
        ? { sessionId: value.trim(), ...(note && { note }) }
        : { value: value.trim(), ...(note && { note }) };
    await api('POST', `/blocklists/${kind}`, body);
    setValue('');
    setNote('');
    reload();
  };
  return (
    <section>
      <PageHeader title="Blocklists" />
      <p class="muted">
        openidv keeps only a digest of each value (shown masked) and only the embedding of each face. Sessions
        decided from now on are checked against them.
      </p>
      <div class="row">
        <Field label="Blocklist">
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {editable && (
        <CreateForm
          inline
          action={action}
          submit="Block"
          label={`Add to ${current.label.toLowerCase()}`}
          onSubmit={add}
        >
          <Field label={kind === 'faces' ? 'Session id' : 'Value'}>
            <input
              required
              maxLength={320}
              value={value}
              placeholder={current.placeholder}
              onInput={(e) => setValue(e.currentTarget.value)}
            />
          </Field>
          <Field label="Note">
            <input maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </Field>
        </CreateForm>
      )}
      <Listing
        error={error ?? action.error}
        loading={loading}
        items={data?.data}
        empty="Nothing on this blocklist."
      >
        {(entries) => (
          <ListTable columns={[kind === 'faces' ? 'From session' : 'Value', 'Note', 'Added by', 'Added']}>
            {entries.map((e: any) => (
              <tr key={e.id}>
                <td class="mono">{kind === 'faces' ? (e.sessionId ?? 'an uploaded image') : e.display}</td>
                <td>{e.note ?? ''}</td>
                <td>{e.createdBy}</td>
                <td>{when(e.createdAt)}</td>
                <td>
                  {editable && (
                    <DeleteButton
                      action={action}
                      path={`/blocklists/${kind}/${e.id}`}
                      onDeleted={reload}
                      label={`Remove ${kind === 'faces' ? 'face' : e.display}`}
                    />
                  )}
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </Listing>
    </section>
  );
}
