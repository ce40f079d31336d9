import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { SignJWT } from "jose";
import { JWT_SECRET, signJwt, startTestServer, type TestServer } from "../support/harness.js";
import { startOidcIssuer, type OidcIssuer } from "../support/oidc-issuer.js";

const unsigned = (claims: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;

describe("JWT verification with a shared HS256 secret", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { BR_AUTH_ISSUER: "https://issuer.test", BR_AUTH_AUDIENCE: "authenticated" } });
  });
  afterAll(() => server.close());

  const good = { issuer: "https://issuer.test", audience: "authenticated" };
  const me = (token: string) => server.request("/auth/me", { token });

  it("accepts a token with the right signature, issuer and audience", async () => {
    const res = await me(await signJwt({ sub: "u-1", email: "A@Lab.ai", email_verified: true }, good));
    expect(res.status).toBe(200);
    expect(res.body.identity).toEqual({ subject: "u-1", email: "a@lab.ai", email_verified: true });
    expect(res.body.tenant).toBeNull();
  });

  it.each([
    [
      "alg none",
      async () => unsigned({ sub: "u-1", iss: "https://issuer.test", aud: "authenticated", exp: Math.floor(Date.now() / 1000) + 60 }),
      "invalid_token",
    ],
    ["another secret", () => signJwt({ sub: "u-1" }, { ...good, secret: "x".repeat(48) }), "invalid_token"],
    ["wrong issuer", () => signJwt({ sub: "u-1" }, { ...good, issuer: "https://evil.test" }), "invalid_token"],
    ["wrong audience", () => signJwt({ sub: "u-1" }, { ...good, audience: "other" }), "invalid_token"],
    ["expired", () => signJwt({ sub: "u-1" }, { ...good, expiresIn: "-1m" }), "token_expired"],
    ["no subject", () => signJwt({ sub: "" }, good), "invalid_token"],
    ["garbage", async () => "not.a.jwt", "invalid_token"],
  ])("refuses %s with 401", async (_, make, code) => {
    const res = await me(await make());
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: "authentication_error", code });
  });

  it("refuses a token without an expiry, which would otherwise never expire", async () => {
    const forever = await new SignJWT({ sub: "u-1" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://issuer.test")
      .setAudience("authenticated")
      .sign(new TextEncoder().encode(JWT_SECRET));
    const res = await me(forever);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("invalid_token");
  });

  it("has no development sign-in when an issuer is configured", async () => {
    const res = await server.request("/auth/dev/sign-in", { body: { email: "a@b.co" } });
    expect(res.status).toBe(404);
  });
});

describe("JWT verification against an OIDC issuer's JWKS", () => {
  let issuer: OidcIssuer;
  let server: TestServer;
  beforeAll(async () => {
    issuer = await startOidcIssuer();
    server = await startTestServer({
      env: {
        BR_AUTH_JWT_SECRET: "",
        BR_AUTH_JWKS_URL: issuer.jwksUrl,
        BR_AUTH_ISSUER: issuer.issuer,
        BR_AUTH_AUDIENCE: "brainstormrouter",
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await issuer.close();
  });

  it.each(["RS256", "ES256"] as const)("accepts %s tokens signed with a published key", async (alg) => {
    const res = await server.request("/auth/me", { token: await issuer.sign({ sub: `oidc|${alg}` }, { alg }) });
    expect(res.status).toBe(200);
    expect(res.body.identity.subject).toBe(`oidc|${alg}`);
  });

  it.each([
    ["an unknown kid", () => issuer.sign({ sub: "x" }, { kid: "rotated-away" })],
    ["the wrong issuer", () => issuer.sign({ sub: "x" }, { issuer: "https://evil.test" })],
    ["the wrong audience", () => issuer.sign({ sub: "x" }, { audience: "someone-else" })],
    ["an expired token", () => issuer.sign({ sub: "x" }, { expiresIn: "-1m" })],
    ["an HS256 token (algorithm confusion)", () => signJwt({ sub: "x" }, { issuer: issuer.issuer, audience: "brainstormrouter" })],
  ])("refuses %s", async (_, make) => {
    const res = await server.request("/auth/me", { token: await make() });
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe("authentication_error");
  });
});

describe("development sign-in", () => {
  it("signs in any email on the embedded default and the token works on /auth routes", async () => {
    const server = await startTestServer({ env: { BR_AUTH_JWT_SECRET: "" } });
    try {
      const signIn = await server.request("/auth/dev/sign-in", { body: { email: "Dev@Example.com" } });
      expect(signIn.status).toBe(200);
      const me = await server.request("/auth/me", { token: signIn.body.access_token });
      expect(me.body.identity).toEqual({ subject: "dev:dev@example.com", email: "dev@example.com", email_verified: true });
      const bad = await server.request("/auth/dev/sign-in", { body: { email: "nope" } });
      expect(bad.status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it("is refused by configuration in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/BR_AUTH_JWKS_URL/);
    expect(loadConfig({ NODE_ENV: "production", BR_AUTH_JWT_SECRET: "s".repeat(32) }).authMode).toBe("secret");
  });
});
