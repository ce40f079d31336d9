import { APIConnectionError } from "brainstormrouter";
import { CliError } from "../output.js";
import { fetchIssuer } from "./http.js";

/** What the server tells its dashboard about sign-in (GET /dashboard/config.json, decisions.md 54). */
export type RuntimeAuth =
  | { mode: "development" }
  | {
      mode: "oidc";
      issuer: string | null;
      client_id: string | null;
      scopes: string;
      audience: string | null;
      authorization_endpoint: string | null;
      token_endpoint: string | null;
    };

/** An issuer the CLI can sign in with: every field the browser flow needs is there. */
export interface OidcClient {
  issuer: string;
  clientId: string;
  scopes: string;
  audience: string | null;
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

/**
 * The dashboard's own runtime config: the CLI signs in as the dashboard does, with the same
 * client, so an operator configures sign-in once. Null from a server that has no such document.
 */
export async function fetchRuntimeAuth(baseUrl: string): Promise<RuntimeAuth | null> {
  const url = `${baseUrl}/dashboard/config.json`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    // The SDK's class, so the error names the URL and where it came from like every other command's.
    throw new APIConnectionError("Connection error.", { cause: err });
  }
  if (res.status === 404) return null;
  const body = (await res.json().catch(() => null)) as { auth?: RuntimeAuth } | null;
  if (!res.ok || !body?.auth) throw new CliError(`${url} answered ${res.status} without a sign-in configuration`);
  return body.auth;
}

/** Why the server's OIDC settings do not let the CLI sign in, or the settings when they do. */
export function oidcClientOf(auth: Extract<RuntimeAuth, { mode: "oidc" }>): OidcClient | string {
  if (!auth.issuer) return "BR_AUTH_ISSUER is not set on the server";
  if (!auth.client_id) return "BR_AUTH_CLIENT_ID is not set on the server";
  if (!auth.authorization_endpoint || !auth.token_endpoint) {
    return `the server could not read the issuer's discovery document (${auth.issuer}/.well-known/openid-configuration)`;
  }
  return {
    issuer: auth.issuer,
    clientId: auth.client_id,
    scopes: auth.scopes,
    audience: auth.audience,
    authorizationEndpoint: auth.authorization_endpoint,
    tokenEndpoint: auth.token_endpoint,
  };
}

/**
 * The device authorization endpoint (RFC 8628 §4), from the issuer's discovery document: the
 * server's runtime config names only what the dashboard uses, so the CLI reads the document itself.
 */
export async function deviceEndpointOf(client: OidcClient): Promise<string> {
  const url = `${client.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const res = await fetchIssuer(url, {}, "the issuer's discovery document");
  const doc = (await res.json().catch(() => ({}))) as { device_authorization_endpoint?: unknown };
  if (!res.ok) throw new CliError(`${url} answered ${res.status}`);
  if (typeof doc.device_authorization_endpoint !== "string") {
    throw new CliError(
      `the issuer ${client.issuer} offers no device flow (its discovery document names no device_authorization_endpoint)`,
      ["sign in through a browser instead: brainstormrouter login (add --no-browser and open the printed URL yourself)"],
    );
  }
  return doc.device_authorization_endpoint;
}
