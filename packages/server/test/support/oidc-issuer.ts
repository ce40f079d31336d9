import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";

export interface OidcIssuer {
  issuer: string;
  jwksUrl: string;
  /** Signs with the issuer's RS256 key, or ES256 / an unpublished key when asked. */
  sign(
    claims: Record<string, unknown>,
    options?: { alg?: "RS256" | "ES256"; kid?: string; audience?: string; issuer?: string; expiresIn?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

/** A minimal OIDC issuer on 127.0.0.1: discovery document and JWKS, real keys. */
export async function startOidcIssuer(): Promise<OidcIssuer> {
  const keys: Record<string, { alg: "RS256" | "ES256"; privateKey: CryptoKey; jwk: JWK }> = {};
  for (const [kid, alg] of [
    ["rsa-1", "RS256"],
    ["ec-1", "ES256"],
  ] as const) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    keys[kid] = { alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
  }
  const unpublished = await generateKeyPair("RS256");

  let base = "";
  const server: Server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") {
      res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    } else if (req.url === "/jwks") {
      res.end(JSON.stringify({ keys: Object.values(keys).map((k) => k.jwk) }));
    } else {
      res.statusCode = 404;
      res.end("{}");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer: base,
    jwksUrl: `${base}/jwks`,
    async sign(claims, options = {}) {
      const alg = options.alg ?? "RS256";
      const kid = options.kid ?? (alg === "RS256" ? "rsa-1" : "ec-1");
      const key = keys[kid]?.privateKey ?? unpublished.privateKey;
      return new SignJWT(claims)
        .setProtectedHeader({ alg, kid })
        .setIssuer(options.issuer ?? base)
        .setAudience(options.audience ?? "brainstormrouter")
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? "1h")
        .sign(key);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
