import type { Deps } from "../../deps.js";
import type { KeyRecord } from "./key-cache.js";
import { AppError } from "../../errors/index.js";
import { compilePolicy } from "../../governance/policy.js";
import { API_KEY_PREFIX, isWellFormed, safeEqual, sha256 } from "../../lib/tokens.js";
import { guessWithinBudgets } from "../../limits/failure-budget.js";
import { lookupApiKey } from "../../store/api-keys.js";
import { platformRoleOf, type Actor } from "../../services/actor.js";
import { assertTenantActive } from "../../services/tenant-status.js";

type AuthDeps = Pick<Deps, "db" | "keyCache" | "keyUsage" | "config" | "localLimits">;

/**
 * API key → Actor. Warm: one hash and one in-memory look-up, no database query. Cold: one call to
 * the SECURITY DEFINER look-up, shared by every concurrent request for the same key, cached with
 * the tenant's status for BR_KEY_CACHE_TTL_MS.
 */
/** `address` is asked for only on a cache miss: a warm request never computes the client's address. */
export async function authenticateApiKey(
  deps: AuthDeps,
  key: string,
  address: () => string,
  requestId?: string,
): Promise<{ actor: Actor; record: KeyRecord }> {
  const hash = sha256(key);
  let record = deps.keyCache.get(hash);
  if (record === undefined) {
    // The checksum before the database: random strings and typos never reach it (DESIGN.md §5).
    // Not before the cache: a cached hash is one the database knew, so a warm request skips it.
    if (!isWellFormed(key, API_KEY_PREFIX)) throw invalidKey();
    record = await coldLookup(deps, hash, address);
  }
  if (!record || !safeEqual(record.keyHash, hash)) throw invalidKey();
  const now = Date.now();
  if (record.revokedAt !== null && record.revokedAt <= now) {
    throw new AppError("api_key_revoked");
  }
  // A rotated-out secret past its grace (migrations/0008): known, so the caller learns to switch
  // to the new secret rather than that the key is gone. The record carries the time: no query.
  if (record.secretExpiresAt !== null && record.secretExpiresAt <= now) {
    throw new AppError("api_key_rotated");
  }
  if (record.expiresAt !== null && record.expiresAt <= now) {
    throw new AppError("api_key_expired");
  }
  assertTenantActive(record.tenant);
  deps.keyUsage.used(record.keyId);
  // Power comes from the key's own user id on a list or from what the key was minted with, never
  // from the human who made it: a listed human's dashboard key is a plain tenant key (DESIGN.md §8).
  const platform = platformRoleOf(deps.config, record.platformRole, record.userId);
  return {
    record,
    actor: {
      tenantId: record.tenantId,
      userId: record.userId,
      role: record.role,
      isPlatformAdmin: platform === "admin",
      isPlatformProposer: platform === "proposer",
      via: "api_key",
      channel: "api",
      label: record.label,
      requestId,
      keyId: record.keyId,
      subject: record.externalId,
    },
  };
}

/**
 * A well-formed key (valid checksum) that the cache does not know costs a database transaction, so
 * each look-up spends a point of a per-address budget, given back when the key exists: a flood of
 * forged well-formed keys is refused with 429 once it is spent, instead of costing one transaction
 * each. The point is reserved before the look-up, so a burst cannot overshoot. The budget is per
 * instance (in-process): it guards this instance's database work, and a Redis round trip here would
 * put Redis, and its failures, on every cold look-up. A request that finds a look-up of its key
 * already running joins it and spends nothing (decisions.md #89, #90).
 */
async function coldLookup(deps: AuthDeps, hash: string, address: () => string): Promise<KeyRecord> {
  const known = (record: KeyRecord | null) => {
    if (!record) throw invalidKey();
    return record;
  };
  const running = deps.keyCache.loading(hash);
  if (running) return known(await running);
  const budget = {
    limiter: deps.localLimits.limiter({
      name: "unknown-key-address",
      points: deps.config.BR_UNKNOWN_KEYS_PER_ADDRESS,
      durationSeconds: 60,
    }),
    key: address(),
  };
  return guessWithinBudgets(
    [budget],
    async () => known(await deps.keyCache.load(hash, () => loadRecord(deps, hash))),
    (err) => err instanceof AppError && err.code === "invalid_api_key",
  );
}

async function loadRecord(deps: AuthDeps, hash: string): Promise<KeyRecord | null> {
  const row = await lookupApiKey(deps.db, hash);
  return row
    ? {
        keyId: row.key_id,
        keyHash: row.key_hash,
        prefix: row.key_prefix,
        // The name and the prefix's random part: the label lands in the audit trail, which must
        // hold nothing a secret scanner would flag (no `br_live_`).
        label: `${row.key_name} (…${row.key_prefix.slice(API_KEY_PREFIX.length)})`,
        tenantId: row.tenant_id,
        userId: row.user_id,
        role: row.role,
        policy: compilePolicy({
          keyId: row.key_id,
          tenantId: row.tenant_id,
          key: {
            budgetUsd: row.budget_usd,
            budgetPeriod: row.budget_period,
            allowedModels: row.allowed_models,
            rateLimitRpm: row.rate_limit_rpm,
          },
          tenant: {
            budgetUsd: row.tenant_budget_usd,
            budgetPeriod: row.tenant_budget_period,
            allowedModels: row.tenant_allowed_models,
            rateLimitRpm: row.tenant_rate_limit_rpm,
          },
        }),
        expiresAt: row.expires_at?.getTime() ?? null,
        revokedAt: row.revoked_at?.getTime() ?? null,
        secretExpiresAt: row.secret_expires_at?.getTime() ?? null,
        platformRole: row.platform_role,
        tenant: { id: row.tenant_id, slug: row.tenant_slug, name: row.tenant_name, status: row.tenant_status },
        externalId: row.external_id,
      }
    : null;
}

const invalidKey = () => new AppError("invalid_api_key");
