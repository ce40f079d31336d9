import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, type ReactNode } from "react";
import { CallbackPage } from "../auth/callback-page";
import { loadRuntimeConfig } from "../auth/runtime-config";
import { signOut, useSession } from "../auth/session";
import { SignInPage } from "../auth/sign-in-page";
import { Badge, Button, Card, EmptyState, ErrorState, Loading } from "../components/ui";
import { ActivityPage } from "../features/activity/activity-page";
import { ApiKeysPage } from "../features/api-keys/api-keys-page";
import { ClaimLinksPage } from "../features/claim-links/claim-links-page";
import { ClaimPage } from "../features/claim/claim-page";
import { DevicePage } from "../features/device/device-page";
import { HomePage } from "../features/home/home-page";
import { MembersPage } from "../features/members/members-page";
import { TenantSettingsPage } from "../features/tenant-settings/tenant-settings-page";
import { TenantStatusBanner } from "../features/tenants/status-banner";
import { useMe } from "../features/tenants/api/me";
import { TenantProvider, useTenant } from "../features/tenants/tenant-context";
import { TenantSwitcher } from "../features/tenants/tenant-switcher";
import { UsagePage } from "../features/usage/usage-page";
import { Link, usePath } from "./router";

/**
 * Pages that act in the selected tenant; they need it to exist and be active. `managers`: in the
 * tabs for owners and admins only (the page itself explains itself to a member who opens it).
 */
const TENANT_PAGES: Record<string, { title: string; page: () => ReactNode; managers?: true }> = {
  "/keys": { title: "API keys", page: ApiKeysPage },
  "/members": { title: "Members", page: MembersPage },
  "/links": { title: "Claim links", page: ClaimLinksPage },
  "/usage": { title: "Usage", page: UsagePage },
  "/settings": { title: "Settings", page: TenantSettingsPage },
  "/activity": { title: "Activity", page: ActivityPage, managers: true },
};

const SIGN_IN_REASONS: Record<string, string> = {
  "/claim": "Sign in to accept your invitation. Your claim link is kept safe until you're back.",
  "/device": "Sign in to approve the terminal that showed you a code.",
};

export function App() {
  const config = useQuery({ queryKey: ["runtime-config"], queryFn: loadRuntimeConfig, staleTime: Infinity });
  const session = useSession();
  const path = usePath();
  if (config.isPending)
    return (
      <FullPage>
        <Loading />
      </FullPage>
    );
  if (config.isError)
    return (
      <FullPage>
        <ErrorState error={config.error} onRetry={() => void config.refetch()} />
      </FullPage>
    );
  if (path === "/callback") return <CallbackPage config={config.data} />;
  if (!session) return <SignInPage config={config.data} reason={SIGN_IN_REASONS[path] ?? null} />;
  return <SignedIn />;
}

function FullPage({ children }: { children: ReactNode }) {
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">{children}</div>
    </main>
  );
}

function SignedIn() {
  const me = useMe();
  if (me.isPending)
    return (
      <FullPage>
        <Loading label="Loading your tenants…" />
      </FullPage>
    );
  if (me.isError)
    return (
      <FullPage>
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </FullPage>
    );
  return (
    <TenantProvider me={me.data} refresh={me.refetch}>
      <Shell />
    </TenantProvider>
  );
}

function Shell() {
  const path = usePath();
  const { me, current } = useTenant();
  const client = useQueryClient();
  const tabs = useRef<HTMLElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the current tab is read from the DOM, and it changes with the path
  useEffect(() => {
    // On a phone the tab row scrolls sideways: keep the current tab in view, also after a rotation.
    // Scrolls the row only (never the page, which scrollIntoView would do when the row is off-screen).
    const reveal = () => {
      const row = tabs.current;
      const tab = row?.querySelector<HTMLElement>('[aria-current="page"]');
      if (!row || !tab) return;
      if (tab.offsetLeft + tab.offsetWidth > row.scrollLeft + row.clientWidth || tab.offsetLeft < row.scrollLeft) {
        row.scrollLeft = tab.offsetLeft - 16;
      }
    };
    reveal();
    window.addEventListener("resize", reveal);
    return () => window.removeEventListener("resize", reveal);
  }, [path]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="BrainstormRouter home">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={28} height={28} />
          <span>BrainstormRouter</span>
        </Link>
        <TenantSwitcher />
        <div className="user">
          <span className="user-email" title={me.identity.subject}>
            {me.identity.email ?? me.identity.subject}
          </span>
          {me.is_platform_admin && <Badge tone="accent">platform admin</Badge>}
          <Button
            variant="ghost"
            onClick={() => {
              signOut();
              client.clear();
            }}
          >
            Sign out
          </Button>
        </div>
      </header>
      {current && (
        <nav className="tabs" aria-label="Tenant pages" ref={tabs}>
          <Link to="/">Overview</Link>
          {Object.entries(TENANT_PAGES)
            .filter(([, p]) => !p.managers || current.role !== "member")
            .map(([to, p]) => (
              <Link key={to} to={to}>
                {p.title}
              </Link>
            ))}
          <Link to="/device">Link a terminal</Link>
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        {current && path !== "/claim" && <TenantStatusBanner tenant={current.tenant} />}
        <Route path={path} />
      </main>
    </>
  );
}

function Route({ path }: { path: string }) {
  const { current } = useTenant();
  if (path === "/claim") return <ClaimPage />;
  if (path === "/device") return <DevicePage />;
  const tenantPage = TENANT_PAGES[path];
  if (tenantPage) {
    if (!current) return <HomePage />;
    if (current.tenant.status !== "active") {
      return (
        <div className="page">
          <h1>{tenantPage.title}</h1>
          <Card>
            <EmptyState title={`Locked while ${current.tenant.name} is ${current.tenant.status}`}>
              This page opens once {current.tenant.name} is active. Nothing here is lost in the meantime.
            </EmptyState>
          </Card>
        </div>
      );
    }
    const Page = tenantPage.page;
    return <Page key={current.tenant.id} />;
  }
  if (path !== "/") return <NotFound />;
  return <HomePage />;
}

function NotFound() {
  return (
    <div className="page narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Go to the overview</Link>.
      </p>
    </div>
  );
}
