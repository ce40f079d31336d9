import { CliError } from "../output.js";

/** What a token endpoint answers (RFC 6749 §5.1); only the fields the CLI reads. */
export interface TokenSet {
  access_token?: string;
  id_token?: string;
  expires_in?: number;
}

export type TokenAnswer = { ok: true; tokens: TokenSet } | { ok: false; status: number; error: string; description: string | null };

/** fetch, with a refused connection turned into a message naming the issuer's URL. */
export async function fetchIssuer(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const cause = (err as Error & { cause?: Error & { code?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new CliError(`could not reach ${what} ${url} (${why})`, [
      "the server's /dashboard/config.json names the issuer (BR_AUTH_ISSUER) and the issuer's discovery document its endpoints",
    ]);
  }
}

/** A form POST to an issuer endpoint; an OAuth error body (RFC 6749 §5.2) is an answer, not a throw. */
export async function postForm(url: string, form: Record<string, string>, what: string): Promise<TokenAnswer & { body: unknown }> {
  const res = await fetchIssuer(
    url,
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(form),
    },
    what,
  );
  const body = (await res.json().catch(() => null)) as (TokenSet & { error?: unknown; error_description?: unknown }) | null;
  if (res.ok && body) return { ok: true, tokens: body, body };
  return {
    ok: false,
    status: res.status,
    error: typeof body?.error === "string" ? body.error : `http_${res.status}`,
    description: typeof body?.error_description === "string" ? body.error_description : null,
    body,
  };
}

/** The payload of a JWT, unverified: the server verifies; the CLI only reads nonce, aud and exp. */
export function claimsOf(jwt: string | undefined): Record<string, unknown> | null {
  const part = jwt?.split(".")[1];
  if (!part) return null;
  try {
    const claims = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** "access_denied: The user declined." — the issuer's words, with its code. */
export const describeOAuthError = (a: { error: string; description: string | null }) =>
  a.description ? `${a.error}: ${a.description}` : a.error;
