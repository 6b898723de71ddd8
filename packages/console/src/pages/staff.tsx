import { useState } from 'preact/hooks';
import { api, type Me } from '../api.ts';
import { ErrorBox, Field, Loading, PageHeader, useAction, useAsync, when } from '../ui.tsx';

export function StaffPage({ me }: { me: Me }) {
  const { data, error, loading, reload } = useAsync(() => api('GET', '/staff'), []);
  const [form, setForm] = useState({ email: '', name: '', password: '', role: 'reviewer' });
  const action = useAction();
  const change = (id: string, body: Record<string, unknown>) =>
    action.run(async () => {
      await api('PATCH', `/staff/${id}`, body);
      reload();
    });
  return (
    <section>
      <PageHeader title="Staff" />
      <p class="muted">
        Console users. Admins do everything; reviewers work cases; viewers read. Also from the command line:{' '}
        <code>npx openidv users create --email E --password P --role admin</code>.
      </p>
      <form
        class="card inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api('POST', '/staff', { ...form, name: form.name || undefined });
            setForm({ email: '', name: '', password: '', role: 'reviewer' });
            reload();
          });
        }}
      >
        <Field label="Email">
          <input
            type="email"
            required
            value={form.email}
            onInput={(e) => setForm({ ...form, email: e.currentTarget.value })}
          />
        </Field>
        <Field label="Name">
          <input value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </Field>
        <Field label="Initial password" hint="At least 12 characters">
          <input
            type="password"
            autocomplete="new-password"
            minLength={12}
            required
            value={form.password}
            onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
          />
        </Field>
        <Field label="Role">
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
            <option value="admin">admin</option>
            <option value="reviewer">reviewer</option>
            <option value="viewer">viewer</option>
          </select>
        </Field>
        <button type="submit" disabled={action.busy}>
          Add user
        </button>
      </form>
      <ErrorBox error={error ?? action.error} />
      {loading && !data && <Loading />}
      {data && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Second factor</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Access</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((u: any) => (
                <tr key={u.id}>
                  <td>
                    {u.email} {u.name && <span class="muted">({u.name})</span>}
                  </td>
                  <td>
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      disabled={u.id === me.user.id}
                      onChange={(e) => change(u.id, { role: e.currentTarget.value })}
                    >
                      <option value="admin">admin</option>
                      <option value="reviewer">reviewer</option>
                      <option value="viewer">viewer</option>
                    </select>
                  </td>
                  <td>
                    {u.totpEnabled ? 'on' : 'off'}{' '}
                    {u.totpEnabled && (
                      <button
                        type="button"
                        class="small secondary"
                        onClick={() => change(u.id, { resetTotp: true })}
                      >
                        Reset
                      </button>
                    )}
                  </td>
                  <td>{when(u.lastSignInAt)}</td>
                  <td>
                    {u.id !== me.user.id && (
                      <button
                        type="button"
                        class={`small ${u.disabled ? '' : 'danger'}`}
                        onClick={() => change(u.id, { disabled: !u.disabled })}
                        aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
