import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { Config } from "../config.js";
import { AppError } from "../errors/index.js";
import { DEV_AUDIENCE, DEV_ISSUER, type DevSigner } from "./dev-signer.js";

/** A signed-in human, as the identity provider vouches for them. */
export interface Identity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  /** The request that carried the token, for the audit trail; set by the HTTP middleware. */
  requestId?: string;
}

export type VerifyJwt = (token: string) => Promise<Identity>;

/**
 * One verifier per configuration: an OIDC issuer's JWKS (RS256/ES256), a shared HS256 secret
 * (Supabase style) or the local development signer. The algorithm list is fixed per mode, so a
 * token cannot pick its own (`alg: none`, or HS256 signed with a public key).
 */
export function createJwtVerifier(config: Config, devSigner: DevSigner | null): VerifyJwt {
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  let issuer = config.BR_AUTH_ISSUER;
  let audience = config.BR_AUTH_AUDIENCE;
  if (config.authMode === "jwks") {
    key = createRemoteJWKSet(new URL(config.BR_AUTH_JWKS_URL!), { cooldownDuration: 30_000 });
    algorithms = ["RS256", "ES256"];
  } else if (config.authMode === "secret") {
    key = new TextEncoder().encode(config.BR_AUTH_JWT_SECRET);
    algorithms = ["HS256"];
  } else {
    key = devSigner!.key;
    algorithms = ["HS256"];
    issuer = DEV_ISSUER;
    audience = DEV_AUDIENCE;
  }

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        issuer,
        audience,
        clockTolerance: 5,
        // jose checks exp only when present: a token without one would never expire.
        requiredClaims: ["exp", "sub"],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new AppError("token_expired");
      throw new AppError("invalid_token");
    }
    if (typeof payload.sub !== "string" || payload.sub === "") {
      throw new AppError("invalid_token", { message: "The access token has no subject." });
    }
    const email = typeof payload.email === "string" ? payload.email.toLowerCase() : null;
    return { subject: payload.sub, email, emailVerified: payload.email_verified === true };
  };
}
