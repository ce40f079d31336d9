import type { KeyRecord } from "../../src/auth/api-key/key-cache.js";

/** A cached key look-up of an active tenant, for KeyCache tests. */
export const keyRecord = (keyId: string, tenantId: string): KeyRecord => ({
  keyId,
  keyHash: `hash-${keyId}`,
  prefix: "br_live_abcd",
  label: "test key (…abcd)",
  tenantId,
  userId: null,
  role: "admin",
  policy: { budgets: [], models: null, rateLimitRpm: null },
  expiresAt: null,
  revokedAt: null,
  secretExpiresAt: null,
  platformRole: null,
  tenant: { id: tenantId, slug: "t", name: "T", status: "active" },
  externalId: null,
});
