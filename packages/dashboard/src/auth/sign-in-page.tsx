import { useState, type FormEvent } from "react";
import { currentPath } from "../app/router";
import { Banner, Button, Field } from "../components/ui";
import { identityApi } from "../lib/api-client";
import { errorMessage } from "../lib/api-errors";
import { oidcProblem, startOidcSignIn } from "./oidc";
import type { RuntimeConfig } from "./runtime-config";
import { signIn, takeSignInNotice } from "./session";

export function SignInPage({ config, reason }: { config: RuntimeConfig; reason: string | null }) {
  const [notice] = useState(takeSignInNotice);
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <div className="brand brand-lg">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={36} height={36} />
          <span>BrainstormRouter</span>
        </div>
        <h1>Sign in</h1>
        {notice && <Banner tone="info" title={notice} />}
        {reason && <p className="lead">{reason}</p>}
        {config.auth.mode === "development" ? <DevSignIn /> : <OidcSignIn auth={config.auth} />}
      </div>
    </main>
  );
}

function DevSignIn() {
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { access_token, expires_in } = await identityApi().auth.devSignIn({ email: email.trim() });
      signIn(access_token, expires_in);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} className="stack">
      <Banner tone="warning" title="Development sign-in">
        This server runs without an identity provider: anyone can sign in as any email address, no password. It is meant for local use. Set{" "}
        <code>BR_AUTH_ISSUER</code> and <code>BR_AUTH_CLIENT_ID</code> for real sign-in.
      </Banner>
      <Field label="Email address">
        {(id) => (
          <input
            id={id}
            type="email"
            required
            autoComplete="email"
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="you@example.com"
          />
        )}
      </Field>
      {error ? (
        <p className="form-error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      <Button type="submit" variant="primary" busy={busy}>
        Sign in (development)
      </Button>
    </form>
  );
}

function OidcSignIn({ auth }: { auth: Extract<RuntimeConfig, { auth: { mode: "oidc" } }>["auth"] }) {
  const [busy, setBusy] = useState(false);
  const problem = oidcProblem(auth);
  if (problem) {
    return (
      <Banner tone="danger" title="Sign-in is not available">
        {problem} Ask the operator of this server to finish the sign-in configuration.
      </Banner>
    );
  }
  const host = new URL(auth.issuer!).host;
  return (
    <div className="stack">
      <p>You'll be sent to your identity provider and brought back here.</p>
      <Button
        variant="primary"
        busy={busy}
        onClick={() => {
          setBusy(true);
          void startOidcSignIn(auth, currentPath());
        }}
      >
        Continue with {host}
      </Button>
    </div>
  );
}
