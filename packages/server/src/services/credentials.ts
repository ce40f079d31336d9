import type { Config } from "../config.js";
import { insertApiKey } from "../store/api-keys.js";
import { ensureClaimToken, insertClaimToken } from "../store/claim-tokens.js";
import type { Tx } from "../store/db.js";
import type { ClaimTokensTable, MembershipRole, PlatformRole, UserRole } from "../store/schema.js";
import { API_KEY_PREFIX, CLAIM_TOKEN_PREFIX, deriveToken, displayPrefix, generateToken, sha256 } from "../lib/tokens.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Creates an API key; the only time the key itself exists outside the caller's hands. */
export async function issueApiKey(
  tx: Tx,
  input: {
    tenantId: string;
    userId: string | null;
    name: string;
    role: UserRole;
    rateLimitRpm?: number | null;
    expiresAt?: Date | null;
    platformRole?: PlatformRole | null;
    createdByKeyId?: string | null;
  },
) {
  const key = generateToken(API_KEY_PREFIX);
  const row = await insertApiKey(tx, { ...input, prefix: displayPrefix(key, API_KEY_PREFIX), keyHash: sha256(key) });
  return { ...row, key };
}

export function claimUrl(config: Config, token: string): string {
  return `${config.publicUrl}/dashboard/?claim=${token}`;
}

type ClaimTokenInput = {
  tenantId: string;
  role: MembershipRole;
  maxUses: number;
  expiresInDays: number;
  kind: ClaimTokensTable["kind"];
  createdBy: string | null;
};

/**
 * Creates a claim token; shown once, stored as its SHA-256. With `derived`, the token is
 * HMAC(secret, seed) and stored once however often it is asked for: a retried email delivery
 * (seed: its delivery id) sends the same link instead of minting another live owner token.
 */
export async function issueClaimToken(tx: Tx, config: Config, input: ClaimTokenInput, derived?: { secret: string; seed: string }) {
  const token = derived ? deriveToken(CLAIM_TOKEN_PREFIX, derived.secret, derived.seed) : generateToken(CLAIM_TOKEN_PREFIX);
  const values = {
    tenantId: input.tenantId,
    tokenHash: sha256(token),
    role: input.role,
    maxUses: input.maxUses,
    expiresAt: new Date(Date.now() + input.expiresInDays * DAY_MS),
    kind: input.kind,
    createdBy: input.createdBy,
  };
  const row = derived ? await ensureClaimToken(tx, values) : await insertClaimToken(tx, values);
  return { ...row, token, url: claimUrl(config, token) };
}
