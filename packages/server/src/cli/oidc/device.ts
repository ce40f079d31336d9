import type { CliContext } from "../io.js";
import { CliError } from "../output.js";
import { openInBrowser } from "./browser.js";
import { describeOAuthError, postForm, type TokenSet } from "./http.js";
import type { OidcClient } from "./runtime-config.js";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

type Sleep = (ms: number) => Promise<void>;
const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * RFC 8628: the CLI shows a code and a URL, the human confirms on any device with a browser (the
 * laptop, when the CLI runs over SSH), and the CLI polls the token endpoint until they have.
 */
export async function deviceSignIn(
  ctx: CliContext,
  client: OidcClient,
  endpoint: string,
  options: { timeoutMs: number; openBrowser: boolean },
): Promise<TokenSet> {
  const started = await postForm(
    endpoint,
    { client_id: client.clientId, scope: client.scopes, ...(client.audience ? { audience: client.audience } : {}) },
    "the issuer's device authorization endpoint",
  );
  if (!started.ok) throw new CliError(`the issuer refused to start a device sign-in (${describeOAuthError(started)})`);
  const auth = started.body as {
    device_code?: string;
    user_code?: string;
    verification_uri?: string;
    verification_uri_complete?: string;
    expires_in?: number;
    interval?: number;
  };
  if (!auth.device_code || !auth.user_code || !auth.verification_uri) {
    throw new CliError(`${endpoint} answered without a device_code, user_code and verification_uri`);
  }
  // Instructions on stderr: stdout stays the result (--json).
  ctx.stderr.write(
    `To sign in, open ${auth.verification_uri}\n  and enter the code ${auth.user_code}\n` +
      (auth.verification_uri_complete ? `  (or open ${auth.verification_uri_complete})\n` : ""),
  );
  if (options.openBrowser) openInBrowser(ctx, auth.verification_uri_complete ?? auth.verification_uri);
  const lifetimeMs = (auth.expires_in ?? 600) * 1000;
  return pollDeviceToken(client, auth.device_code, {
    // §3.2: 5 seconds when the issuer names no interval.
    intervalSeconds: auth.interval ?? 5,
    deadline: Date.now() + Math.min(lifetimeMs, options.timeoutMs),
    timedOutBecause: lifetimeMs <= options.timeoutMs ? "the code expired" : "the timeout ran out",
  });
}

/** §3.4–3.5: wait the interval between polls, 5 seconds longer after each slow_down. */
export async function pollDeviceToken(
  client: Pick<OidcClient, "clientId" | "tokenEndpoint">,
  deviceCode: string,
  options: { intervalSeconds: number; deadline: number; timedOutBecause?: string },
  wait: Sleep = sleep,
): Promise<TokenSet> {
  let interval = options.intervalSeconds;
  for (;;) {
    if (Date.now() + interval * 1000 > options.deadline) {
      throw new CliError(`no confirmation arrived: ${options.timedOutBecause ?? "the timeout ran out"}`, [
        "run `brainstormrouter login --device` again (--timeout for longer)",
      ]);
    }
    await wait(interval * 1000);
    const answer = await postForm(
      client.tokenEndpoint,
      { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: client.clientId },
      "the issuer's token endpoint",
    );
    if (answer.ok) return answer.tokens;
    if (answer.error === "authorization_pending") continue;
    if (answer.error === "slow_down") {
      interval += 5;
      continue;
    }
    if (answer.error === "access_denied") {
      throw new CliError(`the sign-in was refused at the identity provider (${describeOAuthError(answer)})`, [
        "nothing was stored; run `brainstormrouter login --device` again to retry",
      ]);
    }
    if (answer.error === "expired_token")
      throw new CliError("the code expired before it was confirmed", ["run `brainstormrouter login --device` again"]);
    throw new CliError(`the issuer's token endpoint refused the device code (${describeOAuthError(answer)})`);
  }
}
