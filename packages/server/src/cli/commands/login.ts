import { createInterface } from "node:readline/promises";
import { APIError, BrainstormRouter, type Me } from "brainstormrouter";
import { type Credential, writeStoredLogin } from "../credentials.js";
import { HELP } from "../help.js";
import type { CliContext } from "../io.js";
import { browserSignIn } from "../oidc/browser.js";
import { deviceSignIn } from "../oidc/device.js";
import { claimsOf, type TokenSet } from "../oidc/http.js";
import { deviceEndpointOf, fetchRuntimeAuth, type OidcClient, oidcClientOf } from "../oidc/runtime-config.js";
import { CLIENT_FLAGS, CliError, clientFrom, parse, printJson, UsageError } from "../output.js";

const USAGE = HELP.login!;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

const OPTIONS = {
  ...CLIENT_FLAGS,
  email: { type: "string" },
  device: { type: "boolean", default: false },
  "no-browser": { type: "boolean", default: false },
  timeout: { type: "string" },
} as const;

interface Signed {
  kind: Credential["kind"];
  token: string;
  email: string | null;
  expires_at: string | null;
  /** How the credential was obtained, for --json. */
  method: "api_key" | "access_token" | "development" | "oidc_browser" | "oidc_device";
  who: string;
}

/**
 * `login`: the development sign-in by email on the embedded default, the issuer's browser
 * (or device) flow when the server has one, or a token or key the user already has. Whatever
 * it gets is checked against the server before it is stored, as the lowest-precedence credential.
 */
export async function login(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(args, OPTIONS, USAGE);
  const given = values["api-key"] || values["access-token"];
  if (given && (values.email || values.device)) {
    throw new UsageError("--api-key/--access-token store what you have; --email and --device sign in: give one", USAGE);
  }
  const timeoutMs = parseTimeout(values.timeout);
  // Flags beat the environment here as everywhere: `login --api-key` checks and stores that key.
  const client = await clientFrom(ctx, values, USAGE);
  const baseUrl = ctx.client!.baseUrl;

  let signed: Signed | null;
  if (values["api-key"]) {
    const { tenant } = await client.tenant.retrieve();
    signed = { kind: "api_key", token: values["api-key"], email: null, expires_at: null, method: "api_key", who: "API key" };
    ctx.stderr.write(`API key for tenant ${tenant.name} (${tenant.slug})\n`);
  } else if (values["access-token"]) {
    const me = await client.auth.me();
    signed = { ...storedToken(values["access-token"], me), method: "access_token" };
  } else {
    const auth = await fetchRuntimeAuth(baseUrl);
    if (auth?.mode === "oidc") {
      const oidc = oidcClientOf(auth);
      if (typeof oidc === "string") return noBrowserSignIn(ctx, baseUrl, oidc);
      if (values.email) {
        throw new UsageError(
          `--email is for the development sign-in; ${baseUrl} signs people in through ${oidc.issuer}: drop --email`,
          USAGE,
        );
      }
      const openBrowser = !values["no-browser"] && ctx.stdout.isTTY === true;
      signed = values.device
        ? await oidcDevice(ctx, baseUrl, oidc, { timeoutMs, openBrowser })
        : await browserSignIn(ctx, oidc, { timeoutMs, openBrowser }, async (tokens) => {
            const result = await acceptedToken(baseUrl, oidc, tokens);
            return { result: { ...result, method: "oidc_browser" as const }, who: result.who };
          });
    } else {
      // No runtime config (an older server) or the development mode: the email sign-in.
      if (values.device)
        throw new UsageError(`--device signs in through an OIDC issuer; ${baseUrl} has none (sign in with --email)`, USAGE);
      const email = values.email ?? (await ask(ctx, "email: "));
      if (!email) throw new UsageError("login needs --email (development sign-in) or --access-token / --api-key", USAGE);
      signed = await devSignIn(ctx, client, baseUrl, email);
      if (signed === null) return 1;
    }
  }
  const { method, who, ...stored } = signed;
  const path = await writeStoredLogin(ctx.env, { base_url: baseUrl, ...stored, saved_at: new Date().toISOString() });
  if (values.json) {
    printJson(ctx, {
      logged_in: true,
      base_url: baseUrl,
      kind: stored.kind,
      method,
      email: stored.email,
      expires_at: stored.expires_at,
      path,
    });
  } else {
    ctx.stdout.write(`logged in to ${baseUrl} as ${who}\ncredential stored in ${path} (mode 0600)\n`);
    if (method.startsWith("oidc") && stored.expires_at) ctx.stdout.write(`the token expires ${stored.expires_at}; run login again then\n`);
  }
  return 0;
}

async function oidcDevice(ctx: CliContext, baseUrl: string, oidc: OidcClient, options: { timeoutMs: number; openBrowser: boolean }) {
  const endpoint = await deviceEndpointOf(oidc);
  const tokens = await deviceSignIn(ctx, oidc, endpoint, options);
  return { ...(await acceptedToken(baseUrl, oidc, tokens)), method: "oidc_device" as const };
}

/**
 * The token the server accepts: the access token when the issuer makes it a JWT for the API's
 * audience, else the ID token (audience: the client id), as the dashboard sends (decisions.md 55).
 * The server is asked rather than guessed from claims: /auth/me verifies issuer, audience and key.
 */
async function acceptedToken(baseUrl: string, oidc: OidcClient, tokens: TokenSet) {
  const candidates: [string, string][] = [];
  if (tokens.access_token && claimsOf(tokens.access_token)) candidates.push(["access token", tokens.access_token]);
  if (tokens.id_token) candidates.push(["ID token", tokens.id_token]);
  const refused: string[] = [];
  for (const [name, token] of candidates) {
    try {
      const me = await new BrainstormRouter({ baseURL: baseUrl, apiKey: "", accessToken: token, maxRetries: 0 }).auth.me();
      return storedToken(token, me, tokens.expires_in);
    } catch (err) {
      if (!(err instanceof APIError) || err.status !== 401) throw err;
      refused.push(`${name} (audience ${JSON.stringify(claimsOf(token)?.aud ?? null)}): ${err.code ?? err.status}`);
    }
  }
  throw new CliError(`${baseUrl} accepted no token from ${oidc.issuer}; nothing was stored`, [
    ...(refused.length ? refused.map((r) => `refused: ${r}`) : ["the issuer returned neither a JWT access token nor an ID token"]),
    `the server verifies the audience ${oidc.audience ?? "(BR_AUTH_AUDIENCE)"}: set BR_AUTH_AUDIENCE to the API audience the issuer puts in access tokens, or to the client id ${oidc.clientId} for ID tokens`,
  ]);
}

function storedToken(token: string, me: Me, expiresIn?: number) {
  const exp = claimsOf(token)?.exp;
  const expiresAt = typeof exp === "number" ? new Date(exp * 1000) : expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
  return {
    kind: "access_token" as const,
    token,
    email: me.identity.email,
    expires_at: expiresAt?.toISOString() ?? null,
    who: me.identity.email ?? me.identity.subject,
  };
}

/** A server with an issuer the CLI cannot use itself (no client id, no discovery): bring a token. */
function noBrowserSignIn(ctx: CliContext, baseUrl: string, problem: string): number {
  ctx.stderr.write(
    [
      `${baseUrl} signs people in through its OIDC issuer; it has no development sign-in.`,
      `  the browser sign-in is not available: ${problem}`,
      `  1. sign in with your identity provider (the dashboard does: ${baseUrl}/dashboard/) and copy the access token`,
      "  2. brainstormrouter login --access-token <token>",
      "  or, with a tenant API key: brainstormrouter login --api-key br_live_…",
      "",
    ].join("\n"),
  );
  return 1;
}

/** The development sign-in; its 404 means a server without one that also has no runtime config. */
async function devSignIn(ctx: CliContext, client: BrainstormRouter, baseUrl: string, email: string): Promise<Signed | null> {
  try {
    const signedIn = await client.auth.devSignIn({ email });
    return {
      kind: "access_token",
      token: signedIn.access_token,
      email,
      expires_at: new Date(Date.now() + signedIn.expires_in * 1000).toISOString(),
      method: "development",
      who: email,
    };
  } catch (err) {
    if (!(err instanceof APIError) || err.status !== 404) throw err;
    noBrowserSignIn(ctx, baseUrl, "the server publishes no sign-in configuration (/dashboard/config.json)");
    return null;
  }
}

async function ask(ctx: CliContext, question: string): Promise<string | undefined> {
  if (!ctx.stdin?.isTTY) return undefined;
  const rl = createInterface({ input: ctx.stdin, output: ctx.stderr as NodeJS.WritableStream });
  try {
    return (await rl.question(question)).trim() || undefined;
  } finally {
    rl.close();
  }
}

/** `--timeout 90`, `90s` or `5m`. */
function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  const m = /^(\d+)(s|m)?$/.exec(raw.trim());
  const ms = m ? Number(m[1]) * (m[2] === "m" ? 60_000 : 1000) : Number.NaN;
  if (!(ms > 0)) throw new UsageError(`--timeout must be seconds (90, 90s) or minutes (5m), not ${raw}`, USAGE);
  return ms;
}
