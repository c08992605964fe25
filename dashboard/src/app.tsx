import { useMemo, useState } from 'preact/hooks';
import { createSessionApi, DashboardContext } from './dashboard-context.ts';
import { ChatbotsPage } from './pages/chatbots-page.tsx';
import { CreditsPage } from './pages/credits-page.tsx';
import { KeysPage } from './pages/keys-page.tsx';
import { OrganizationsPage } from './pages/organizations-page.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { RequestsPage } from './pages/requests-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { sessionStore, type Session } from './session.ts';
import { useHashRoute, type HashRoute } from './use-hash-route.ts';

interface Page {
  path: string;
  title: string;
  render: (route: HashRoute) => preact.JSX.Element;
}

const OPERATOR_PAGES: Page[] = [
  { path: '/', title: 'Overview', render: (route) => <OverviewPage route={route} /> },
  { path: '/organizations', title: 'Organizations', render: (route) => <OrganizationsPage route={route} /> },
  { path: '/keys', title: 'Keys', render: (route) => <KeysPage route={route} /> },
  { path: '/chatbots', title: 'Chatbots', render: (route) => <ChatbotsPage route={route} /> },
  { path: '/requests', title: 'Requests', render: (route) => <RequestsPage route={route} /> },
];

const TENANT_PAGES: Page[] = [
  { path: '/', title: 'Overview', render: (route) => <OverviewPage route={route} /> },
  { path: '/keys', title: 'Keys', render: (route) => <KeysPage route={route} /> },
  { path: '/credits', title: 'Credits', render: () => <CreditsPage /> },
  { path: '/chatbots', title: 'Chatbots', render: (route) => <ChatbotsPage route={route} /> },
  { path: '/requests', title: 'Requests', render: (route) => <RequestsPage route={route} /> },
];

/** Sign-in, then the pages of the signed-in role, chosen by the address's hash. */
export function App() {
  const [session, setSession] = useState<Session | null>(sessionStore.load);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useHashRoute();

  const signOut = (reason: string | null) => {
    sessionStore.clear();
    setSession(null);
    setNotice(reason);
  };
  const dashboard = useMemo(
    () => session && { session, api: createSessionApi(session, () => signOut('The gateway refused the token (401): sign in again.')) },
    [session],
  );

  if (!dashboard) {
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(signedIn) => {
          sessionStore.save(signedIn);
          setNotice(null);
          setSession(signedIn);
        }}
      />
    );
  }
  const pages = dashboard.session.role === 'operator' ? OPERATOR_PAGES : TENANT_PAGES;
  const page = pages.find((candidate) => candidate.path === route.path) ?? pages[0]!;
  document.title = `${page.title} · Switchyard`;

  return (
    <DashboardContext.Provider value={dashboard}>
      <header class="top-bar">
        <a class="brand" href="#/">
          Switchyard
        </a>
        <nav aria-label="Pages">
          {pages.map((candidate) => (
            <a key={candidate.path} href={`#${candidate.path}`} aria-current={candidate === page ? 'page' : undefined}>
              {candidate.title}
            </a>
          ))}
        </nav>
        <span class="who" data-testid="signed-in-as">
          {dashboard.session.role === 'operator' ? 'Operator' : `Tenant · ${dashboard.session.organization}`}
        </span>
        <button type="button" class="secondary small" onClick={() => signOut(null)}>
          Sign out
        </button>
      </header>
      <main key={`${dashboard.session.role}${page.path}`}>{page.render(route)}</main>
    </DashboardContext.Provider>
  );
}
