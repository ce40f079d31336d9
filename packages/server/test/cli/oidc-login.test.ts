import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { pollDeviceToken } from "../../src/cli/oidc/device.js";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { type OidcIssuer, startOidcIssuer } from "../support/oidc-issuer.js";
import { cli, startCli, waitForOutput } from "./run.js";

const ADMIN = { sub: "oidc|admin", email: "admin@oidc.test" };

/** A server that verifies the issuer's tokens and offers its browser sign-in, as a deployment does. */
function oidcServer(issuer: OidcIssuer, audience = "brainstormrouter") {
  return startTestServer({
    env: {
      BR_AUTH_JWT_SECRET: "",
      BR_AUTH_JWKS_URL: issuer.jwksUrl,
      BR_AUTH_ISSUER: issuer.issuer,
      BR_AUTH_AUDIENCE: audience,
      BR_AUTH_CLIENT_ID: issuer.clientId,
      BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: ADMIN.sub,
    },
  });
}

/** The authorization URL the CLI printed on stderr: what a person pastes into a browser. */
const printedUrl = (stderr: string) => new URL(/^ {2}(http:\/\/\S+\/authorize\?\S+)$/m.exec(stderr)![1]!);
const printed = (o: { stderr: string }) => /\/authorize\?/.test(o.stderr);

async function tempConfig() {
  const dir = await mkdtemp(join(tmpdir(), "br-cli-oidc-"));
  const configDir = join(dir, "brainstormrouter");
  return { dir, env: { BRAINSTORMROUTER_CONFIG_DIR: configDir }, file: join(configDir, "credentials.json") };
}

describe("brainstormrouter login through the server's OIDC issuer", { timeout: 60_000 }, () => {
  let issuer: OidcIssuer;
  let server: TestServer;
  let config: Awaited<ReturnType<typeof tempConfig>>;
  beforeAll(async () => {
    issuer = await startOidcIssuer();
    server = await oidcServer(issuer);
  });
  afterAll(async () => {
    await server?.close();
    await issuer?.close();
  });
  beforeEach(async () => {
    issuer.nextSignIn = ADMIN;
    issuer.replayNonce = undefined;
    config = await tempConfig();
    return () => rm(config.dir, { recursive: true, force: true });
  });

  it("browser flow: the printed URL redirects to the loopback callback, the token is stored 0600, whoami and admin tenants work", async () => {
    const tenant = await registerTenant(server);
    const exchangesBefore = issuer.tokenRequests.authorization_code ?? 0;
    const login = startCli(["login", "--base-url", server.url], config.env);
    await waitForOutput(login, printed);
    const url = printedUrl(login.output.stderr);
    expect(url.origin).toBe(issuer.issuer);
    const p = url.searchParams;
    expect(p.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(Object.fromEntries(p)).toMatchObject({
      response_type: "code",
      client_id: issuer.clientId,
      code_challenge_method: "S256",
      scope: "openid email profile",
      audience: "brainstormrouter",
    });
    expect(p.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(p.get("state")).toBeTruthy();
    expect(p.get("nonce")).toBeTruthy();

    // Bound to 127.0.0.1 only: the same port on the IPv6 loopback (or any other address) has no listener.
    const port = new URL(p.get("redirect_uri")!).port;
    await expect(fetch(`http://[::1]:${port}/callback`)).rejects.toThrow();

    // The browser's part: GET the URL, follow the issuer's redirect to the CLI's listener.
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await page.text()).toContain("Signed in as admin@oidc.test. You can close this tab and go back to the terminal.");

    const done = await login.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain(`logged in to ${server.url} as admin@oidc.test`);
    expect(issuer.tokenRequests.authorization_code).toBe(exchangesBefore + 1);
    expect((await stat(config.file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(config.file, "utf8"));
    expect(stored).toMatchObject({ base_url: server.url, kind: "access_token", email: ADMIN.email, expires_at: expect.any(String) });
    // The access token, minted for the API's audience, is the one the server accepts.
    expect(decodeJwt(stored.token)).toMatchObject({ aud: "brainstormrouter", sub: ADMIN.sub });
    // One callback, then the listener is gone.
    await expect(fetch(p.get("redirect_uri")!)).rejects.toThrow();

    const who = await cli(["whoami"], config.env);
    expect(who.code, who.stderr).toBe(0);
    expect(who.stdout).toMatch(/identity\s+admin@oidc\.test \(oidc\|admin\)/);
    expect(who.stdout).toMatch(/platform\s+platform admin/);
    expect(who.stdout).toMatch(/credential\s+access token from .*credentials\.json \(stored login\)/);
    const listed = await cli(["admin", "tenants", "--json"], config.env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).data.map((t: { id: string }) => t.id)).toContain(tenant.tenantId);
  });

  it("a callback with the wrong state is refused: no code exchanged, nothing stored, the login times out", async () => {
    const exchangesBefore = issuer.tokenRequests.authorization_code ?? 0;
    const login = startCli(["login", "--base-url", server.url, "--timeout", "3s"], config.env);
    await waitForOutput(login, printed);
    const redirect = await fetch(printedUrl(login.output.stderr), { redirect: "manual" });
    const callback = new URL(redirect.headers.get("location")!);
    expect(callback.searchParams.get("code")).toBeTruthy();
    callback.searchParams.set("state", "forged");

    const refused = await fetch(callback);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("not for this login");
    expect(login.output.stderr).toContain("refused a sign-in response whose state does not match this login");
    await expect(stat(config.file)).rejects.toThrow(/ENOENT/);

    const done = await login.done;
    expect(done.code).toBe(1);
    expect(done.stderr).toMatch(/error: no sign-in arrived within 3s\n {2}run `brainstormrouter login` again/);
    expect(issuer.tokenRequests.authorization_code ?? 0).toBe(exchangesBefore);
    await expect(stat(config.file)).rejects.toThrow(/ENOENT/);
  });

  it("access_denied at the issuer is reported as a refusal, on the page and in the terminal; nothing stored", async () => {
    issuer.nextSignIn = "access_denied";
    const login = startCli(["login", "--base-url", server.url], config.env);
    await waitForOutput(login, printed);
    const page = await fetch(printedUrl(login.output.stderr));
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("Go back to the terminal");
    const done = await login.done;
    expect(done.code).toBe(1);
    expect(done.stderr).toContain(
      "error: the sign-in was refused at the identity provider (access_denied: The user declined the sign-in.)",
    );
    expect(done.stderr).toContain("nothing was stored");
    await expect(stat(config.file)).rejects.toThrow(/ENOENT/);
  });

  it("an ID token whose nonce is not this login's is refused; nothing stored", async () => {
    issuer.replayNonce = "from-another-sign-in";
    const login = startCli(["login", "--base-url", server.url], config.env);
    await waitForOutput(login, printed);
    expect((await fetch(printedUrl(login.output.stderr))).status).toBe(400);
    const done = await login.done;
    expect(done.code).toBe(1);
    expect(done.stderr).toContain("error: the ID token's nonce does not match this login; nothing was stored");
    await expect(stat(config.file)).rejects.toThrow(/ENOENT/);
  });

  it("device flow: the code is shown, one poll answers authorization_pending, the confirmed sign-in is stored", async () => {
    const login = startCli(["login", "--device", "--base-url", server.url, "--json"], config.env);
    await waitForOutput(login, (o) => /enter the code \S+/.test(o.stderr));
    expect(login.output.stderr).toMatch(new RegExp(`^To sign in, open ${issuer.issuer}/device\\n {2}and enter the code`));
    const userCode = /enter the code (\S+)/.exec(login.output.stderr)![1]!;
    while (issuer.device.polls(userCode) < 1) await new Promise((r) => setTimeout(r, 50));
    issuer.device.approve(userCode);

    const done = await login.done;
    expect(done.code, done.stderr).toBe(0);
    expect(issuer.device.polls(userCode)).toBe(2);
    expect(JSON.parse(done.stdout)).toMatchObject({ logged_in: true, kind: "access_token", method: "oidc_device", email: ADMIN.email });
    expect((await stat(config.file)).mode & 0o777).toBe(0o600);
    const who = await cli(["whoami", "--json"], config.env);
    expect(JSON.parse(who.stdout)).toMatchObject({ me: { identity: { subject: ADMIN.sub }, is_platform_admin: true } });
  });

  it("device flow: a denial at the issuer is reported as a refusal; nothing stored", async () => {
    const login = startCli(["login", "--device", "--base-url", server.url], config.env);
    await waitForOutput(login, (o) => /enter the code \S+/.test(o.stderr));
    issuer.device.deny(/enter the code (\S+)/.exec(login.output.stderr)![1]!);
    const done = await login.done;
    expect(done.code).toBe(1);
    expect(done.stderr).toContain("error: the sign-in was refused at the identity provider (access_denied: The user denied the request.)");
    await expect(stat(config.file)).rejects.toThrow(/ENOENT/);
  });

  it("device polling waits the interval, and five seconds more after slow_down (RFC 8628 §3.5)", async () => {
    const res = await fetch(`${issuer.issuer}/device/code`, { method: "POST", body: new URLSearchParams({ client_id: issuer.clientId }) });
    const { device_code, user_code } = await res.json();
    issuer.device.slowDown(user_code);
    const waits: number[] = [];
    const tokens = await pollDeviceToken(
      { clientId: issuer.clientId, tokenEndpoint: `${issuer.issuer}/token` },
      device_code,
      { intervalSeconds: 1, deadline: Date.now() + 60_000 },
      async (ms) => {
        waits.push(ms);
        if (waits.length === 3) issuer.device.approve(user_code);
      },
    );
    // slow_down, then authorization_pending, then the tokens.
    expect(waits).toEqual([1000, 6000, 6000]);
    expect(tokens.access_token).toBeTruthy();
  });

  it("--email on a server with an issuer is a usage error naming the issuer", async () => {
    const res = await cli(["login", "--base-url", server.url, "--email", "a@b.test"], config.env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`--email is for the development sign-in; ${server.url} signs people in through ${issuer.issuer}`);
  });

  it.skipIf(process.platform === "win32")(
    "opens a browser only on a terminal and without --no-browser; the opener gets the URL",
    async () => {
      const bin = join(config.dir, "bin");
      const opened = join(config.dir, "opened");
      await mkdir(bin);
      for (const name of ["xdg-open", "open"]) {
        await writeFile(join(bin, name), `#!/bin/sh\nprintf '%s' "$1" > "${opened}"\n`);
        await chmod(join(bin, name), 0o755);
      }
      const env = { ...config.env, PATH: `${bin}:/usr/bin:/bin` };
      const onTerminal = (args: string[]) => {
        const output = { stdout: "", stderr: "" };
        const done = runCli(["login", "--base-url", server.url, ...args], {
          env,
          stdout: { write: (t: string) => (output.stdout += t), isTTY: true },
          stderr: { write: (t: string) => (output.stderr += t) },
        });
        return { output, done: done.then((code) => ({ code: code ?? null, ...output })) };
      };

      // stdout a pipe (no isTTY): nothing opened.
      const piped = startCli(["login", "--base-url", server.url], env);
      await waitForOutput(piped, printed);
      await new Promise((r) => setTimeout(r, 300));
      await expect(stat(opened)).rejects.toThrow(/ENOENT/);
      await fetch(printedUrl(piped.output.stderr));
      expect((await piped.done).code).toBe(0);

      const quiet = onTerminal(["--no-browser"]);
      await waitForOutput(quiet, printed);
      await new Promise((r) => setTimeout(r, 300));
      await expect(stat(opened)).rejects.toThrow(/ENOENT/);
      await fetch(printedUrl(quiet.output.stderr));
      expect((await quiet.done).code).toBe(0);

      const opening = onTerminal([]);
      await waitForOutput(opening, printed);
      let url = "";
      while (!url) {
        await new Promise((r) => setTimeout(r, 20));
        url = await readFile(opened, "utf8").catch(() => "");
      }
      expect(url).toBe(printedUrl(opening.output.stderr).toString());
      await fetch(url);
      expect((await opening.done).code).toBe(0);
    },
  );
});

describe("brainstormrouter login: which of the issuer's tokens is stored", { timeout: 60_000 }, () => {
  let issuer: OidcIssuer;
  let apiAudience: TestServer;
  let clientAudience: TestServer;
  beforeAll(async () => {
    issuer = await startOidcIssuer({ device: false });
    issuer.nextSignIn = ADMIN;
    [apiAudience, clientAudience] = await Promise.all([oidcServer(issuer, "brainstormrouter"), oidcServer(issuer, issuer.clientId)]);
  });
  afterAll(async () => {
    await apiAudience?.close();
    await clientAudience?.close();
    await issuer?.close();
  });

  const browserLogin = async (server: TestServer, accessTokens: "jwt" | "opaque") => {
    issuer.accessTokens = accessTokens;
    const config = await tempConfig();
    const login = startCli(["login", "--base-url", server.url], config.env);
    await waitForOutput(login, printed);
    await fetch(printedUrl(login.output.stderr));
    const done = await login.done;
    const stored = await readFile(config.file, "utf8").then(
      (t) => JSON.parse(t).token as string,
      () => null,
    );
    await rm(config.dir, { recursive: true, force: true });
    return { done, token: stored && decodeJwt(stored) };
  };

  it("the access token when the server accepts both (the ID token is the client's, not the API's)", async () => {
    const { done, token } = await browserLogin(clientAudience, "jwt");
    expect(done.code, done.stderr).toBe(0);
    // The access token carries no nonce; the ID token does.
    expect(token).toMatchObject({ aud: issuer.clientId });
    expect(token).not.toHaveProperty("nonce");
  });

  it("the ID token when the access token is opaque and the server's audience is the client id", async () => {
    const { done, token } = await browserLogin(clientAudience, "opaque");
    expect(done.code, done.stderr).toBe(0);
    expect(token).toMatchObject({ aud: issuer.clientId, nonce: expect.any(String) });
  });

  it("none when the server accepts neither: it says which it refused and which audience to set", async () => {
    const { done, token } = await browserLogin(apiAudience, "opaque");
    expect(done.code).toBe(1);
    expect(done.stderr).toContain(`error: ${apiAudience.url} accepted no token from ${issuer.issuer}; nothing was stored`);
    expect(done.stderr).toContain(`refused: ID token (audience "${issuer.clientId}"): invalid_token`);
    expect(done.stderr).toContain("the server verifies the audience brainstormrouter: set BR_AUTH_AUDIENCE");
    expect(token).toBeNull();
  });

  it("--device with an issuer that has no device endpoint says so", async () => {
    const config = await tempConfig();
    const device = await cli(["login", "--device", "--base-url", apiAudience.url], config.env);
    await rm(config.dir, { recursive: true, force: true });
    expect(device.code).toBe(1);
    expect(device.stderr).toContain(`the issuer ${issuer.issuer} offers no device flow`);
  });
});
