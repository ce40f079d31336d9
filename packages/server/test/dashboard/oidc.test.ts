import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { BROWSER_STORY, launchBrowser, local, openTab, snapshot } from "./browser.js";

const CLIENT_ID = "br-dashboard";

/**
 * An OIDC provider that signs in whoever `nextEmail` names: discovery, an authorize endpoint that
 * answers at once, a token endpoint that checks the PKCE verifier, and a JWKS.
 */
async function startIssuer() {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const codes = new Map<string, { challenge: string; nonce: string; redirectUri: string; email: string }>();
  const state = { nextEmail: "oidc@lab.test", tokenRequests: 0 };
  let base = "";
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url!, base);
    res.setHeader("access-control-allow-origin", "*");
    if (url.pathname === "/.well-known/openid-configuration") {
      res.setHeader("content-type", "application/json");
      return res.end(
        JSON.stringify({
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          jwks_uri: `${base}/jwks`,
        }),
      );
    }
    if (url.pathname === "/jwks") return res.end(JSON.stringify({ keys: [jwk] }));
    if (url.pathname === "/authorize") {
      const p = url.searchParams;
      const ok = p.get("response_type") === "code" && p.get("client_id") === CLIENT_ID && p.get("code_challenge_method") === "S256";
      const code = randomBytes(12).toString("hex");
      codes.set(code, {
        challenge: p.get("code_challenge")!,
        nonce: p.get("nonce")!,
        redirectUri: p.get("redirect_uri")!,
        email: state.nextEmail,
      });
      const back = new URL(p.get("redirect_uri")!);
      back.search = new URLSearchParams(
        ok ? { code, state: p.get("state")! } : { error: "invalid_request", state: p.get("state")! },
      ).toString();
      res.statusCode = 302;
      res.setHeader("location", back.toString());
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      state.tokenRequests++;
      let body = "";
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      const verifierOk =
        grant &&
        createHash("sha256")
          .update(form.get("code_verifier") ?? "")
          .digest("base64url") === grant.challenge;
      res.setHeader("content-type", "application/json");
      if (!grant || !verifierOk || form.get("redirect_uri") !== grant.redirectUri || form.get("client_id") !== CLIENT_ID) {
        res.statusCode = 400;
        return res.end(JSON.stringify({ error: "invalid_grant", error_description: "PKCE or code check failed" }));
      }
      const idToken = await new SignJWT({ email: grant.email, email_verified: true, nonce: grant.nonce })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setSubject(`oidc|${grant.email}`)
        .setIssuer(base)
        .setAudience(CLIENT_ID)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey);
      // An opaque access token, as GitHub-style providers issue: the dashboard must use the ID token.
      return res.end(JSON.stringify({ access_token: "opaque-access-token", id_token: idToken, token_type: "Bearer", expires_in: 3600 }));
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("dashboard: OIDC sign-in (authorization code + PKCE)", BROWSER_STORY, () => {
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    issuer = await startIssuer();
    [server, browser] = await Promise.all([
      startTestServer({
        env: {
          BR_AUTH_ISSUER: issuer.base,
          BR_AUTH_JWKS_URL: `${issuer.base}/jwks`,
          BR_AUTH_AUDIENCE: CLIENT_ID,
          BR_AUTH_CLIENT_ID: CLIENT_ID,
        },
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await issuer?.close();
  });

  it("signs in through the issuer and keeps a claim token across the round-trip", async () => {
    const reg = await registerTenant(server, { active: true, name: "Oidc Lab" });
    const tab = await openTab(browser, server);
    const { page } = tab;
    await page.goto(local(reg.claimUrl));
    const host = new URL(issuer.base).host;
    await page.getByRole("button", { name: `Continue with ${host}` }).waitFor();
    expect(await page.getByText("Development sign-in").count()).toBe(0);
    await snapshot(page, "22-oidc-sign-in");

    await page.getByRole("button", { name: `Continue with ${host}` }).click();
    await page.getByRole("button", { name: "Accept and join" }).waitFor();
    expect(page.url()).toBe(`${server.url}/dashboard/claim`);
    expect(issuer.state.tokenRequests).toBe(1);
    await page.getByText("oidc@lab.test").first().waitFor();

    await page.getByRole("button", { name: "Accept and join" }).click();
    expect(await page.getByTestId("claim-success").textContent()).toBe("You joined Oidc Lab as owner.");
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it("refuses a callback that this tab did not start (state mismatch), without calling the token endpoint", async () => {
    const tab = await openTab(browser, server);
    const before = issuer.state.tokenRequests;
    await tab.page.goto("/dashboard/callback?code=stolen&state=forged");
    await tab.page.getByRole("heading", { name: "Sign-in failed" }).waitFor();
    await tab.page.getByText("does not match a sign-in started here").waitFor();
    expect(issuer.state.tokenRequests).toBe(before);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});
