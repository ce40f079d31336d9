import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SignJWT } from "jose";

export const DEV_ISSUER = "brainstormrouter-dev";
export const DEV_AUDIENCE = "brainstormrouter";
const TOKEN_TTL_SECONDS = 12 * 60 * 60;

export interface DevSigner {
  key: Uint8Array;
  /** A token for `email` as if an identity provider had verified it. */
  sign(email: string): Promise<{ access_token: string; token_type: "Bearer"; expires_in: number }>;
}

/**
 * The embedded default's sign-in: an HS256 key kept in BR_DATA_DIR (created on first start,
 * readable by the owner only). Config refuses this mode when NODE_ENV=production.
 */
export async function loadDevSigner(dataDir: string): Promise<DevSigner> {
  const file = join(dataDir, "dev-signing.key");
  let secret: string;
  try {
    secret = (await readFile(file, "utf8")).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    secret = randomBytes(32).toString("hex");
    await writeFile(file, secret, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  const key = new TextEncoder().encode(secret);
  return {
    key,
    async sign(email) {
      const normalized = email.toLowerCase();
      const accessToken = await new SignJWT({ email: normalized, email_verified: true })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(`dev:${normalized}`)
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
        .sign(key);
      return { access_token: accessToken, token_type: "Bearer", expires_in: TOKEN_TTL_SECONDS };
    },
  };
}
