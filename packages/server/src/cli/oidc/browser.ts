import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CliContext } from "../io.js";
import { CliError } from "../output.js";
import { claimsOf, describeOAuthError, postForm, type TokenSet } from "./http.js";
import type { OidcClient } from "./runtime-config.js";

const random = (bytes: number) => randomBytes(bytes).toString("base64url");

/** What the caller does with the tokens; its answer (or its error) is shown on the callback page. */
export type Finish<T> = (tokens: TokenSet) => Promise<{ result: T; who: string }>;

/**
 * RFC 8252 native-app sign-in: authorization code + PKCE S256 (RFC 7636), the redirect caught by
 * a listener on 127.0.0.1 and a port the OS picks (§7.3: the issuer must accept any port there).
 * The listener answers one callback whose state matches and then closes.
 */
export async function browserSignIn<T>(
  ctx: CliContext,
  client: OidcClient,
  options: { timeoutMs: number; openBrowser: boolean },
  finish: Finish<T>,
): Promise<T> {
  const verifier = random(32);
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const state = random(16);
  const nonce = random(16);

  let settle: (callback: { params: URLSearchParams; res: ServerResponse }) => void = () => undefined;
  const callback = new Promise<{ params: URLSearchParams; res: ServerResponse }>((resolve) => (settle = resolve));
  let taken = false;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/callback" || req.method !== "GET") {
      res.statusCode = 404;
      return res.end();
    }
    // Any local program can call this port: only the answer carrying this login's state counts,
    // and a stray one neither ends the wait nor reaches the token endpoint.
    if (url.searchParams.get("state") !== state) {
      ctx.stderr.write(
        "refused a sign-in response whose state does not match this login (an old tab, or another program); still waiting\n",
      );
      return page(
        res,
        400,
        "This sign-in response is not for this login",
        "It does not carry the state the terminal is waiting for. Start the sign-in again from the terminal.",
      );
    }
    if (taken) return page(res, 409, "This sign-in was already answered", "Go back to the terminal.");
    taken = true;
    settle({ params: url.searchParams, res });
  });
  // Loopback only, by IP literal: "localhost" may resolve to ::1 or be redirected (RFC 8252 §8.3).
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const closed = new Promise<void>((resolve) => server.once("close", resolve));
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;

  const authorize = new URL(client.authorizationEndpoint);
  for (const [k, v] of Object.entries({
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: redirectUri,
    scope: client.scopes,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
    // As the dashboard does (decisions.md 55): Auth0-style issuers mint an API access token for it.
    ...(client.audience ? { audience: client.audience } : {}),
  })) {
    authorize.searchParams.set(k, v);
  }
  const wait = formatDuration(options.timeoutMs);
  ctx.stderr.write(
    `Open this URL in a browser to sign in:\n\n  ${authorize}\n\nwaiting up to ${wait} for the sign-in (--timeout to change; --device signs in with a code instead)\n`,
  );
  if (options.openBrowser) openInBrowser(ctx, authorize.toString());

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CliError(`no sign-in arrived within ${wait}`, [
            "run `brainstormrouter login` again (--timeout for longer, --device to sign in with a code)",
          ]),
        ),
      options.timeoutMs,
    );
  });
  let res: ServerResponse | undefined;
  try {
    const answer = await Promise.race([callback, timedOut]);
    res = answer.res;
    // One callback: no second answer is taken, whatever it carries.
    server.close();
    const { params } = answer;
    const error = params.get("error");
    if (error) {
      const why = describeOAuthError({ error, description: params.get("error_description") });
      throw new CliError(
        error === "access_denied"
          ? `the sign-in was refused at the identity provider (${why})`
          : `the identity provider answered with an error (${why})`,
        error === "access_denied" ? ["nothing was stored; run `brainstormrouter login` again to retry"] : [],
      );
    }
    const code = params.get("code");
    if (!code) throw new CliError("the identity provider's answer carries no authorization code");
    const exchanged = await postForm(
      client.tokenEndpoint,
      { grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: client.clientId, code_verifier: verifier },
      "the issuer's token endpoint",
    );
    if (!exchanged.ok) throw new CliError(`the issuer's token endpoint refused the code (${describeOAuthError(exchanged)})`);
    const idClaims = claimsOf(exchanged.tokens.id_token);
    // OIDC Core §3.1.3.7: the ID token must carry the nonce of this request (replay protection).
    if (exchanged.tokens.id_token && idClaims?.nonce !== nonce)
      throw new CliError("the ID token's nonce does not match this login; nothing was stored");
    const { result, who } = await finish(exchanged.tokens);
    page(res, 200, "Signed in to BrainstormRouter", `Signed in as ${who}. You can close this tab and go back to the terminal.`);
    return result;
  } catch (err) {
    if (res && !res.headersSent) {
      page(
        res,
        400,
        "Sign-in did not complete",
        `${err instanceof Error ? err.message : String(err)}. Go back to the terminal for details.`,
      );
    }
    throw err;
  } finally {
    clearTimeout(timer);
    server.close();
    // A browser keeps its connection alive; without this the process would wait for it to go.
    server.closeAllConnections();
    await closed;
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page the browser lands on: no script, no outside resources, and no Referer with the code in it. */
function page(res: ServerResponse, status: number, title: string, text: string) {
  res.statusCode = status;
  res.setHeader("content-type", "text/html; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'");
  res.setHeader("connection", "close");
  res.end(
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
      `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">` +
      `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>\n`,
  );
}

/** Best effort: xdg-open / open / the Windows URL handler; the printed URL is the real instruction. */
export function openInBrowser(ctx: CliContext, url: string): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["rundll32", ["url.dll,FileProtocolHandler", url]]
        : ["xdg-open", [url]];
  try {
    const child = spawn(command as string, args as string[], { stdio: "ignore", detached: true, env: ctx.env });
    child.on("error", () => undefined);
    child.unref();
  } catch {
    // No opener on this machine: the URL on stderr is enough.
  }
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s % 60 === 0 && s >= 60 ? `${s / 60}m` : `${s}s`;
}
