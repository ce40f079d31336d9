import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";

/** Who the issuer signs in next; `"access_denied"` makes the next sign-in a refusal. */
export type SignIn = { sub: string; email?: string } | "access_denied";

export interface OidcIssuerOptions {
  /** The one registered public client; other client ids are refused. */
  clientId?: string;
  /** Access tokens as JWTs (audience: the `audience` asked for, else `${issuer}/userinfo`), or opaque strings. */
  accessTokens?: "jwt" | "opaque";
  /** Publish `device_authorization_endpoint` (RFC 8628); default true. */
  device?: boolean;
  /** The polling interval the device endpoint asks for, in seconds. */
  deviceInterval?: number;
}

export interface OidcIssuer {
  issuer: string;
  jwksUrl: string;
  clientId: string;
  /** Signs with the issuer's RS256 key, or ES256 / an unpublished key when asked. */
  sign(
    claims: Record<string, unknown>,
    options?: { alg?: "RS256" | "ES256"; kid?: string; audience?: string; issuer?: string; expiresIn?: string },
  ): Promise<string>;
  /** Who /authorize signs in (it answers at once, as a browser with a live session would). */
  nextSignIn: SignIn;
  /** JWT or opaque access tokens from now on (starts as `options.accessTokens`). */
  accessTokens: "jwt" | "opaque";
  /** Set: ID tokens carry this nonce instead of the request's (a token replayed from another sign-in). */
  replayNonce: string | undefined;
  /** Token requests seen, by grant type. */
  tokenRequests: Record<string, number>;
  device: {
    /** Lets the device code with this user code through (or refuses it) on its next poll. */
    approve(userCode: string, user?: { sub: string; email?: string }): void;
    deny(userCode: string): void;
    /** The next poll of this code answers slow_down (RFC 8628 §3.5). */
    slowDown(userCode: string): void;
    polls(userCode: string): number;
  };
  close(): Promise<void>;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | null;
  audience: string | null;
  user: { sub: string; email?: string };
}

interface DeviceGrant {
  userCode: string;
  clientId: string;
  audience: string | null;
  status: "pending" | "approved" | "denied" | "spent";
  user: { sub: string; email?: string };
  polls: number;
  slowDown: boolean;
}

const base64url = (b: Buffer) => b.toString("base64url");

/**
 * A small OIDC issuer on 127.0.0.1 with real keys: discovery, JWKS, an authorization endpoint that
 * redirects back at once with a code (or `access_denied`), a token endpoint that checks the PKCE
 * verifier (RFC 7636) and the redirect URI, and a device authorization endpoint (RFC 8628).
 */
export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const clientId = options.clientId ?? "brainstormrouter-cli";
  const keys: Record<string, { alg: "RS256" | "ES256"; privateKey: CryptoKey; jwk: JWK }> = {};
  for (const [kid, alg] of [
    ["rsa-1", "RS256"],
    ["ec-1", "ES256"],
  ] as const) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    keys[kid] = { alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
  }
  const unpublished = await generateKeyPair("RS256");
  const codes = new Map<string, Grant>();
  const devices = new Map<string, DeviceGrant>();
  const byUserCode = (userCode: string) => {
    const grant = [...devices.values()].find((d) => d.userCode === userCode);
    if (!grant) throw new Error(`no device code with user code ${userCode}`);
    return grant;
  };

  let base = "";
  const sign: OidcIssuer["sign"] = (claims, o = {}) => {
    const alg = o.alg ?? "RS256";
    const kid = o.kid ?? (alg === "RS256" ? "rsa-1" : "ec-1");
    const key = keys[kid]?.privateKey ?? unpublished.privateKey;
    return new SignJWT(claims)
      .setProtectedHeader({ alg, kid })
      .setIssuer(o.issuer ?? base)
      .setAudience(o.audience ?? "brainstormrouter")
      .setIssuedAt()
      .setExpirationTime(o.expiresIn ?? "1h")
      .sign(key);
  };

  async function tokens(user: { sub: string; email?: string }, audience: string | null, nonce: string | null) {
    const claims = { sub: user.sub, ...(user.email ? { email: user.email, email_verified: true } : {}) };
    const access =
      issuer.accessTokens === "opaque"
        ? `opaque-${randomBytes(16).toString("hex")}`
        : await sign(claims, { audience: audience ?? `${base}/userinfo` });
    const idNonce = issuer.replayNonce ?? nonce;
    const id = await sign({ ...claims, ...(idNonce ? { nonce: idNonce } : {}) }, { audience: clientId });
    return { access_token: access, id_token: id, token_type: "Bearer", expires_in: 3600, scope: "openid email profile" };
  }

  const issuer: OidcIssuer = {
    issuer: "",
    jwksUrl: "",
    clientId,
    sign,
    nextSignIn: { sub: "oidc|someone", email: "someone@oidc.test" },
    replayNonce: undefined,
    accessTokens: options.accessTokens ?? "jwt",
    tokenRequests: {},
    device: {
      approve(userCode, user) {
        const grant = byUserCode(userCode);
        grant.status = "approved";
        if (user) grant.user = user;
      },
      deny(userCode) {
        byUserCode(userCode).status = "denied";
      },
      slowDown(userCode) {
        byUserCode(userCode).slowDown = true;
      },
      polls: (userCode) => byUserCode(userCode).polls,
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", base);
    const json = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader("content-type", "application/json");
      res.setHeader("cache-control", "no-store");
      res.end(JSON.stringify(body));
    };
    const form = async () => {
      let body = "";
      for await (const chunk of req) body += chunk;
      return new URLSearchParams(body);
    };

    if (url.pathname === "/.well-known/openid-configuration") {
      return json(200, {
        issuer: base,
        jwks_uri: `${base}/jwks`,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        ...(options.device === false ? {} : { device_authorization_endpoint: `${base}/device/code` }),
        code_challenge_methods_supported: ["S256"],
        grant_types_supported: ["authorization_code", "urn:ietf:params:oauth:grant-type:device_code"],
      });
    }
    if (url.pathname === "/jwks") return json(200, { keys: Object.values(keys).map((k) => k.jwk) });

    if (url.pathname === "/authorize" && req.method === "GET") {
      const p = url.searchParams;
      const redirectUri = p.get("redirect_uri");
      // An unregistered client or redirect gets an error page, never a redirect (RFC 6749 §4.1.2.1).
      if (p.get("client_id") !== clientId || !redirectUri) return json(400, { error: "invalid_client" });
      const back = new URL(redirectUri);
      const answer = (params: Record<string, string>) => {
        back.search = new URLSearchParams({ ...params, ...(p.get("state") ? { state: p.get("state")! } : {}) }).toString();
        res.statusCode = 302;
        res.setHeader("location", back.toString());
        res.end();
      };
      if (p.get("response_type") !== "code" || p.get("code_challenge_method") !== "S256" || !p.get("code_challenge")) {
        return answer({ error: "invalid_request", error_description: "PKCE S256 is required" });
      }
      const who = issuer.nextSignIn;
      if (who === "access_denied") return answer({ error: "access_denied", error_description: "The user declined the sign-in." });
      const code = base64url(randomBytes(18));
      codes.set(code, {
        clientId,
        redirectUri,
        challenge: p.get("code_challenge")!,
        nonce: p.get("nonce"),
        audience: p.get("audience"),
        user: who,
      });
      return answer({ code });
    }

    if (url.pathname === "/device/code" && req.method === "POST" && options.device !== false) {
      const f = await form();
      if (f.get("client_id") !== clientId) return json(401, { error: "invalid_client" });
      const deviceCode = base64url(randomBytes(24));
      const userCode = `${randomBytes(2).toString("hex").toUpperCase()}-${randomBytes(2).toString("hex").toUpperCase()}`;
      const who = issuer.nextSignIn === "access_denied" ? { sub: "oidc|nobody" } : issuer.nextSignIn;
      devices.set(deviceCode, { userCode, clientId, audience: f.get("audience"), status: "pending", user: who, polls: 0, slowDown: false });
      return json(200, {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: `${base}/device`,
        verification_uri_complete: `${base}/device?user_code=${userCode}`,
        expires_in: 600,
        interval: options.deviceInterval ?? 1,
      });
    }

    if (url.pathname === "/token" && req.method === "POST") {
      const f = await form();
      const grantType = f.get("grant_type") ?? "";
      issuer.tokenRequests[grantType] = (issuer.tokenRequests[grantType] ?? 0) + 1;
      if (f.get("client_id") !== clientId) return json(401, { error: "invalid_client" });
      if (grantType === "authorization_code") {
        const grant = codes.get(f.get("code") ?? "");
        // A code is good for one exchange (RFC 6749 §4.1.2).
        codes.delete(f.get("code") ?? "");
        if (!grant) return json(400, { error: "invalid_grant", error_description: "unknown or used code" });
        if (f.get("redirect_uri") !== grant.redirectUri) {
          return json(400, { error: "invalid_grant", error_description: "redirect_uri differs from the authorization request" });
        }
        const verifier = f.get("code_verifier") ?? "";
        if (base64url(createHash("sha256").update(verifier).digest()) !== grant.challenge) {
          return json(400, { error: "invalid_grant", error_description: "PKCE verification failed" });
        }
        return json(200, await tokens(grant.user, grant.audience, grant.nonce));
      }
      if (grantType === "urn:ietf:params:oauth:grant-type:device_code") {
        const grant = devices.get(f.get("device_code") ?? "");
        if (!grant || grant.status === "spent") return json(400, { error: "invalid_grant" });
        grant.polls++;
        if (grant.slowDown) {
          grant.slowDown = false;
          return json(400, { error: "slow_down" });
        }
        if (grant.status === "pending") return json(400, { error: "authorization_pending" });
        // Answered once; kept so a test can still count its polls.
        const status = grant.status;
        grant.status = "spent";
        if (status === "denied") return json(400, { error: "access_denied", error_description: "The user denied the request." });
        return json(200, await tokens(grant.user, grant.audience, null));
      }
      return json(400, { error: "unsupported_grant_type" });
    }
    return json(404, {});
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer.issuer = base;
  issuer.jwksUrl = `${base}/jwks`;
  return issuer;
}
