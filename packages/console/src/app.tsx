import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, can, type Me, type Role, setCsrfToken, whenSignedOut } from './api.ts';
import { AccountPage } from './pages/account.tsx';
import { AlertsPage } from './pages/alerts.tsx';
import { AuditPage } from './pages/audit.tsx';
import { BlocklistsPage } from './pages/blocklists.tsx';
import { BrandingPage } from './pages/branding.tsx';
import { CasePage } from './pages/case.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { EidProvidersPage } from './pages/eid-providers.tsx';
import { KeysPage } from './pages/keys.tsx';
import { PeoplePage, PersonPage } from './pages/people.tsx';
import { QuestionnairesPage } from './pages/questionnaires.tsx';
import { QueuePage } from './pages/queue.tsx';
import { SessionsPage } from './pages/sessions.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { StaffPage } from './pages/staff.tsx';
import { UsagePage } from './pages/usage.tsx';
import { WebhooksPage } from './pages/webhooks.tsx';
import { WorkflowsPage } from './pages/workflows.tsx';
import { linkProps, navigate, useLocation } from './router.ts';
import { ErrorBox, Loading } from './ui.tsx';

const NAV: { path: string; label: string; role: Role }[] = [
  { path: '/', label: 'Dashboard', role: 'viewer' },
  { path: '/queue', label: 'Review queue', role: 'viewer' },
  { path: '/sessions', label: 'Sessions', role: 'viewer' },
  { path: '/users', label: 'Users', role: 'viewer' },
  { path: '/alerts', label: 'Screening alerts', role: 'viewer' },
  { path: '/usage', label: 'Usage', role: 'viewer' },
  { path: '/workflows', label: 'Workflows', role: 'viewer' },
  { path: '/questionnaires', label: 'Questionnaires', role: 'viewer' },
  { path: '/blocklists', label: 'Blocklists', role: 'viewer' },
  { path: '/keys', label: 'API keys', role: 'admin' },
  { path: '/eid-providers', label: 'eID providers', role: 'admin' },
  { path: '/webhooks', label: 'Webhooks', role: 'admin' },
  { path: '/staff', label: 'Staff', role: 'admin' },
  { path: '/branding', label: 'Branding', role: 'admin' },
  { path: '/audit', label: 'Audit log', role: 'admin' },
];

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    whenSignedOut(() => setMe(null));
    api<Me>('GET', '/auth/session').then(
      (m) => {
        setCsrfToken(m.csrfToken);
        setMe(m);
      },
      (e) => (e.status === 401 ? setMe(null) : setError(e)),
    );
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (me === undefined) return <Loading />;
  if (me === null)
    return (
      <SignInPage
        onSignedIn={(m) => {
          setCsrfToken(m.csrfToken);
          setMe(m);
        }}
      />
    );
  return <Shell me={me} onSignOut={() => setMe(null)} />;
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    setMenuOpen(false);
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [path]);
  const signOut = async () => {
    await api('POST', '/auth/sign-out').catch(() => {});
    navigate('/', true);
    onSignOut();
  };
  const active = (p: string) => (p === '/' ? path === '/' : path === p || path.startsWith(`${p}/`));
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <button
          type="button"
          class="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <a class="brand" {...linkProps('/')}>
          openidv <span>console</span>
        </a>
        <div class="me">
          <a {...linkProps('/account')} class="who">
            {me.user.email} <span class="role">{me.user.role}</span>
          </a>
          <button type="button" class="secondary" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="nav" class={menuOpen ? 'open' : ''} aria-label="Console">
        <ul>
          {NAV.filter((n) => can(me, n.role)).map((n) => (
            <li key={n.path}>
              <a {...linkProps(n.path)} aria-current={active(n.path) ? 'page' : undefined}>
                {n.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main">
        <Route path={path} me={me} />
      </main>
    </div>
  );
}

function Guard({ me, need, children }: { me: Me; need: Role; children: ComponentChildren }) {
  if (can(me, need)) return <>{children}</>;
  return (
    <section>
      <h1 tabIndex={-1} id="page-title">
        Not allowed
      </h1>
      <p class="error" role="alert">
        This page needs the {need} role; you are signed in as {me.user.role}.
      </p>
    </section>
  );
}

function Route({ path, me }: { path: string; me: Me }) {
  const m = (re: RegExp) => re.exec(path);
  if (path === '/') return <DashboardPage />;
  if (path === '/queue') return <QueuePage me={me} />;
  if (path === '/sessions') return <SessionsPage />;
  const caseMatch = m(/^\/sessions\/([^/]+)$/);
  // Keyed by id: the next case starts from a clean page, never showing the last one under the new address.
  if (caseMatch) {
    const id = decodeURIComponent(caseMatch[1]!);
    return <CasePage key={id} id={id} me={me} />;
  }
  if (path === '/users') return <PeoplePage />;
  const userMatch = m(/^\/users\/(.+)$/);
  if (userMatch) return <PersonPage vendorData={decodeURIComponent(userMatch[1]!)} />;
  if (path === '/alerts') return <AlertsPage me={me} />;
  if (path === '/usage') return <UsagePage />;
  if (path === '/workflows') return <WorkflowsPage me={me} />;
  if (path === '/questionnaires') return <QuestionnairesPage me={me} />;
  if (path === '/blocklists') return <BlocklistsPage me={me} />;
  if (path === '/keys')
    return (
      <Guard me={me} need="admin">
        <KeysPage />
      </Guard>
    );
  if (path === '/eid-providers')
    return (
      <Guard me={me} need="admin">
        <EidProvidersPage />
      </Guard>
    );
  if (path === '/webhooks')
    return (
      <Guard me={me} need="admin">
        <WebhooksPage />
      </Guard>
    );
  if (path === '/staff')
    return (
      <Guard me={me} need="admin">
        <StaffPage me={me} />
      </Guard>
    );
  if (path === '/branding')
    return (
      <Guard me={me} need="admin">
        <BrandingPage />
      </Guard>
    );
  if (path === '/audit')
    return (
      <Guard me={me} need="admin">
        <AuditPage />
      </Guard>
    );
  if (path === '/account') return <AccountPage me={me} />;
  return (
    <section>
      <h1 tabIndex={-1} id="page-title">
        Not found
      </h1>
      <p>
        There is no page here. <a {...linkProps('/')}>Go to the dashboard</a>.
      </p>
    </section>
  );
}
