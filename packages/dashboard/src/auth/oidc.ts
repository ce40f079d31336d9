import { BASE } from "../app/router";
import type { RuntimeConfig } from "./runtime-config";

type OidcConfig = Extract<RuntimeConfig, { auth: { mode: "oidc" } }>["auth"];

const PENDING = "br.oidc";

export const redirectUri = () => `${window.location.origin}${BASE}/callback`;

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

const random = (n = 32) => base64url(crypto.getRandomValues(new Uint8Array(n)));

/** The problem that keeps OIDC sign-in from working, or null when it is ready. */
export function oidcProblem(auth: OidcConfig): string | null {
  if (!auth.issuer) return "BR_AUTH_ISSUER is not set on the server.";
  if (!auth.client_id) return "BR_AUTH_CLIENT_ID is not set on the server.";
  if (!auth.authorization_endpoint || !auth.token_endpoint) {
    return `The issuer's discovery document (${auth.issuer}/.well-known/openid-configuration) could not be read.`;
  }
  return null;
}

/** RFC 7636: authorization code with an S256 code challenge; the verifier waits in sessionStorage. */
export async function startOidcSignIn(auth: OidcConfig, returnTo: string) {
  const verifier = random();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  const state = random(16);
  const nonce = random(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce, returnTo }));
  const url = new URL(auth.authorization_endpoint!);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: auth.client_id!,
    redirect_uri: redirectUri(),
    scope: auth.scopes,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...(auth.audience ? { audience: auth.audience } : {}),
  }).toString();
  window.location.assign(url.toString());
}

function claimsOf(jwt: string): Record<string, unknown> | null {
  const part = jwt.split(".")[1];
  if (!part) return null;
  try {
    return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Finishes the round-trip on /callback: checks state and nonce, trades the code for tokens. */
export async function completeOidcSignIn(
  auth: OidcConfig,
  search: string,
): Promise<{ token: string; expiresIn: number; returnTo: string }> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null") as {
    verifier: string;
    state: string;
    nonce: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  if (params.get("error")) throw new Error(params.get("error_description") ?? `Sign-in was refused: ${params.get("error")}.`);
  if (!pending || params.get("state") !== pending.state)
    throw new Error("This sign-in response does not match a sign-in started here. Please sign in again.");
  const code = params.get("code");
  if (!code) throw new Error("The identity provider sent no authorization code.");
  const res = await fetch(auth.token_endpoint!, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri(),
      client_id: auth.client_id!,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    id_token?: string;
    expires_in?: number;
    error_description?: string;
  };
  if (!res.ok) throw new Error(body.error_description ?? `The identity provider refused the code (${res.status}).`);
  if (body.id_token && claimsOf(body.id_token)?.nonce !== pending.nonce)
    throw new Error("The ID token's nonce does not match. Please sign in again.");
  // The server verifies a JWT: prefer the access token when the issuer makes it one (audience =
  // the API), else the ID token (audience = this client), which every OIDC issuer returns.
  const token = body.access_token && claimsOf(body.access_token) ? body.access_token : body.id_token;
  if (!token) throw new Error("The identity provider returned no token the server can verify.");
  return { token, expiresIn: body.expires_in ?? 3600, returnTo: pending.returnTo };
}
