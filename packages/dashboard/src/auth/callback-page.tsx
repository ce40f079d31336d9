import { useEffect, useRef, useState } from "react";
import { navigate } from "../app/router";
import { Button, Loading } from "../components/ui";
import { errorMessage } from "../lib/api-errors";
import { completeOidcSignIn } from "./oidc";
import type { RuntimeConfig } from "./runtime-config";
import { signIn } from "./session";

/** The OIDC redirect target: trades the code, then returns to the page sign-in started from. */
export function CallbackPage({ config }: { config: RuntimeConfig }) {
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  useEffect(() => {
    // StrictMode runs effects twice; a code can be redeemed only once.
    if (started.current || config.auth.mode !== "oidc") return;
    started.current = true;
    completeOidcSignIn(config.auth, window.location.search)
      .then(({ token, expiresIn, returnTo }) => {
        signIn(token, expiresIn);
        navigate(returnTo === "/callback" ? "/" : returnTo, { replace: true });
      })
      .catch(setError);
  }, [config]);
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        {error ? (
          <div className="stack" role="alert">
            <h1>Sign-in failed</h1>
            <p>{errorMessage(error)}</p>
            <Button variant="primary" onClick={() => navigate("/", { replace: true })}>
              Back to sign-in
            </Button>
          </div>
        ) : (
          <Loading label="Finishing sign-in…" />
        )}
      </div>
    </main>
  );
}
