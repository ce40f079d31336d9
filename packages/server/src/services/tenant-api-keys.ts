import type { Deps } from "../deps.js";
import { AppError } from "../errors/index.js";
import { API_KEY_PREFIX, displayPrefix, generateToken, sha256 } from "../lib/tokens.js";
import { actsForOwner, listApiKeys, lockApiKey, revokeApiKey, rotateApiKeySecret, updateApiKey, userEmails } from "../store/api-keys.js";
import type { Tx } from "../store/db.js";
import { pageOf, type Page } from "../store/pagination.js";
import type { PlatformRole, UserRole } from "../store/schema.js";
import { audit } from "./audit.js";
import type { Actor } from "./actor.js";
import { issueApiKey } from "./credentials.js";
import { boundedExpiry, parseExpiry, type PolicyInput, policyColumns, resetsAt, tenantSettingsOf } from "./key-policy.js";
import { holdsOwnerPower } from "./owner-power.js";

// One service for the dashboard's /auth/api-keys (a signed-in member) and the headless
// /v1/tenant/api-keys (an admin-role API key): the same rules whoever calls (DESIGN.md §10).

type KeyDeps = Pick<Deps, "db" | "keyCache" | "spend">;
type KeyRow = NonNullable<Awaited<ReturnType<typeof revokeApiKey>>>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Bounds of `grace_seconds` on rotation: the old secret's life after it (issue 12 §5). */
export const ROTATION_GRACE = { min: 0, max: 86_400, default: 3_600 } as const;

export interface CreateKeyInput extends PolicyInput {
  name: string;
  role: UserRole;
  expires_in_days?: number | undefined;
  /** ISO 8601, in the future; null: never expires (unless the tenant bounds key lifetimes). */
  expires_at?: string | null | undefined;
  platform_admin?: boolean | undefined;
  platform_proposer?: boolean | undefined;
}

export interface UpdateKeyInput extends PolicyInput {
  name?: string | undefined;
  /** ISO 8601, in the future; null: never expires. */
  expires_at?: string | null | undefined;
}

/**
 * Platform power never flows into a key implicitly: it is asked for, and only by an identity that
 * holds it (an admin may mint either, a proposer only a proposer key). DESIGN.md §8.
 */
function platformRoleFor(actor: Actor, input: Pick<CreateKeyInput, "platform_admin" | "platform_proposer">): PlatformRole | null {
  if (input.platform_admin && input.platform_proposer) {
    throw new AppError("invalid_value", { message: "A key is a platform admin or a proposer, not both." });
  }
  if (input.platform_admin) {
    if (!actor.isPlatformAdmin) throw new AppError("not_platform_admin", { message: "Only platform admins mint platform-admin keys." });
    return "admin";
  }
  if (input.platform_proposer) {
    if (!actor.isPlatformAdmin && !actor.isPlatformProposer) {
      throw new AppError("not_platform_admin", { message: "Only platform admins and proposers mint proposer keys." });
    }
    return "proposer";
  }
  return null;
}

/**
 * Who manages keys. On the dashboard: owners and admins, and admin-role keys only by owners (an
 * admin member cannot hold a key above its own role). A key: admin-role keys only, and they may
 * create admin keys — every admin key descends from an owner or from the registration key, and
 * none of them mints owner links (owner-power.ts). A developer key manages nothing: 403
 * insufficient_role, the word API-key routes use for a role too small (as for claim links).
 */
function assertManagesKeys(actor: Actor, role?: UserRole) {
  if (actor.via !== "jwt") {
    if (actor.role !== "admin") throw new AppError("insufficient_role", { message: "Only admin-role API keys manage API keys." });
    return;
  }
  if (actor.membershipRole !== "owner" && actor.membershipRole !== "admin") {
    throw new AppError("admin_required", { message: "Only the tenant's owners and admins manage API keys." });
  }
  if (role === "admin" && actor.membershipRole !== "owner") {
    throw new AppError("owner_required", { message: "Only the tenant's owners create admin-role API keys." });
  }
}

/** Every member sees the keys on the dashboard; of API keys only admin-role ones. */
function assertSeesKeys(actor: Actor) {
  if (actor.via !== "jwt" && actor.role !== "admin") {
    throw new AppError("insufficient_role", { message: "Only admin-role API keys list API keys." });
  }
}

/**
 * A rotation hands the caller a working secret of the key, so the caller must be one who could
 * have created it: its role, its platform power, and — for the registration key of a tenant with
 * no owner yet — the owner's power it acts with.
 */
async function assertMayHold(tx: Tx, actor: Actor, key: KeyRow) {
  assertManagesKeys(actor, key.role);
  platformRoleFor(actor, { platform_admin: key.platform_role === "admin", platform_proposer: key.platform_role === "proposer" });
  if ((await actsForOwner(tx, key.id)) && !(await holdsOwnerPower(tx, actor))) {
    throw new AppError("owner_required", { message: "Only the tenant's owners rotate a key that acts for the owner." });
  }
}

/** The key, locked; another tenant's id is not found under RLS (404, never 403). */
async function liveKey(tx: Tx, id: string): Promise<KeyRow> {
  const key = await lockApiKey(tx, id);
  if (!key) throw new AppError("api_key_not_found");
  if (key.revoked_at) throw new AppError("api_key_already_revoked");
  return key;
}

export async function listTenantApiKeys(deps: KeyDeps, actor: Actor, page: Page) {
  assertSeesKeys(actor);
  const { data, next_cursor } = await deps.db.asTenant(actor.tenantId, async (tx) => {
    const { data, next_cursor } = pageOf(await listApiKeys(tx, page), page.limit);
    return { data: await keyViews(tx, data), next_cursor };
  });
  return { data: await withSpend(deps, actor.tenantId, data), next_cursor };
}

/** Creates a key for the acting member or key's user; the response is the only time the key is shown. */
export async function createTenantApiKey(deps: KeyDeps, actor: Actor, input: CreateKeyInput) {
  assertManagesKeys(actor, input.role);
  const platformRole = platformRoleFor(actor, input);
  const requested =
    input.expires_in_days !== undefined ? new Date(Date.now() + input.expires_in_days * DAY_MS) : parseExpiry(input.expires_at);
  const view = await deps.db.asTenant(actor.tenantId, async (tx) => {
    const settings = await tenantSettingsOf(tx, actor.tenantId);
    const policy = policyColumns({}, input, settings);
    const created = await issueApiKey(tx, {
      tenantId: actor.tenantId,
      userId: actor.userId,
      name: input.name,
      role: input.role,
      expiresAt: boundedExpiry(requested ?? null, settings),
      platformRole,
      // A key made by a key is never a registration key, whatever user it belongs to.
      createdByKeyId: actor.keyId ?? null,
      ...policy,
    });
    await audit(tx, actor, {
      tenantId: actor.tenantId,
      action: "api_key.created",
      target: { type: "api_key", id: created.id },
      changes: platformRole ? { platform_role: [null, platformRole] } : undefined,
    });
    const [view] = await keyViews(tx, [created]);
    return { ...view!, key: created.key };
  });
  // A new key has spent nothing: no counter to read.
  return { ...view, spend_usd: view.budget_usd === null ? null : 0, budget_resets_at: resetsAt(view.budget_period) };
}

/** Renames a key or changes its expiry or limits; every instance drops its cached copy. */
export async function updateTenantApiKey(deps: KeyDeps, actor: Actor, id: string, input: UpdateKeyInput) {
  assertManagesKeys(actor);
  const expiresAt = input.expires_at === undefined ? undefined : parseExpiry(input.expires_at);
  const { view, budgetChanged } = await deps.db.asTenant(actor.tenantId, async (tx) => {
    const before = await liveKey(tx, id);
    const settings = await tenantSettingsOf(tx, actor.tenantId);
    const policy = policyColumns(before, input, settings);
    const after = await updateApiKey(tx, id, {
      name: input.name,
      expiresAt: expiresAt === undefined ? undefined : boundedExpiry(expiresAt, settings),
      ...policy,
    });
    const changes: Record<string, [unknown, unknown]> = {};
    for (const field of AUDITED_FIELDS) {
      const [was, is] = [auditValue(before[field]), auditValue(after[field])];
      if (JSON.stringify(was) !== JSON.stringify(is)) changes[field] = [was, is];
    }
    await audit(tx, actor, { tenantId: actor.tenantId, action: "api_key.updated", target: { type: "api_key", id }, changes });
    const [view] = await keyViews(tx, [after]);
    return { view: view!, budgetChanged: "budget_usd" in changes || "budget_period" in changes };
  });
  // Spend is counted only for budgeted keys: a budget set now starts from the rollup's figure.
  if (budgetChanged && view.budget_period) {
    await deps.spend.resync({ scope: "key", id, tenantId: actor.tenantId }, view.budget_period);
  }
  // The cached record carries the policy, the expiry and the label: a stale one would outlive the change.
  await deps.keyCache.invalidate({ keyIds: [id] });
  const [withSpent] = await withSpend(deps, actor.tenantId, [view]);
  return withSpent!;
}

const AUDITED_FIELDS = ["name", "expires_at", "rate_limit_rpm", "budget_usd", "budget_period", "allowed_models"] as const;
const auditValue = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));

/**
 * A new secret under the same key id, shown this once. The secret it replaces keeps working for
 * `graceSeconds`, then answers 401 api_key_rotated; a previous secret still in its grace stops at
 * once (a key has at most two secrets). Every instance drops the key from its cache (the
 * kill-switch channel), so each reloads both secrets' state on its next request.
 */
export async function rotateTenantApiKey(deps: KeyDeps, actor: Actor, id: string, graceSeconds: number = ROTATION_GRACE.default) {
  assertManagesKeys(actor);
  const key = generateToken(API_KEY_PREFIX);
  const row = await deps.db.asTenant(actor.tenantId, async (tx) => {
    const before = await liveKey(tx, id);
    await assertMayHold(tx, actor, before);
    // The application's clock, like the key's own expiry: the grace is checked against it.
    const at = new Date();
    const previousExpiresAt = new Date(at.getTime() + graceSeconds * 1000);
    const after = await rotateApiKeySecret(tx, id, {
      prefix: displayPrefix(key, API_KEY_PREFIX),
      keyHash: sha256(key),
      at,
      previousExpiresAt,
    });
    await audit(tx, actor, {
      tenantId: actor.tenantId,
      action: "api_key.rotated",
      target: { type: "api_key", id },
      // Prefixes are shown in every list; never the secret or its hash.
      changes: {
        prefix: [before.prefix, after.prefix],
        previous_secret_expires_at: [before.previous_expires_at?.toISOString() ?? null, previousExpiresAt.toISOString()],
      },
    });
    return keyViews(tx, [after]);
  });
  await deps.keyCache.invalidate({ keyIds: [id] });
  const [view] = await withSpend(deps, actor.tenantId, row);
  return { ...view!, key };
}

/** Revokes a key; it stops working at once on every instance (key-cache invalidation). */
export async function revokeTenantApiKey(deps: KeyDeps, actor: Actor, id: string) {
  assertManagesKeys(actor);
  const view = await deps.db.asTenant(actor.tenantId, async (tx) => {
    const revoked = await revokeApiKey(tx, id);
    if (!revoked) return undefined;
    await audit(tx, actor, { tenantId: actor.tenantId, action: "api_key.revoked", target: { type: "api_key", id } });
    return (await keyViews(tx, [revoked]))[0];
  });
  if (!view) throw new AppError("api_key_not_found");
  await deps.keyCache.invalidate({ keyIds: [id] });
  const [withSpent] = await withSpend(deps, actor.tenantId, [view]);
  return withSpent!;
}

/** The fields a key's view shows, with its owner's email (one query for the lot). */
async function keyViews(tx: Tx, rows: readonly KeyRow[]) {
  const emails = await userEmails(tx, [...new Set(rows.flatMap((k) => (k.user_id ? [k.user_id] : [])))]);
  return rows.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    user_id: k.user_id,
    user_email: (k.user_id && emails.get(k.user_id)) ?? null,
    created_by_key_id: k.created_by_key_id,
    created_at: k.created_at.toISOString(),
    last_used_at: k.last_used_at?.toISOString() ?? null,
    expires_at: k.expires_at?.toISOString() ?? null,
    revoked_at: k.revoked_at?.toISOString() ?? null,
    platform_role: k.platform_role,
    rotated_at: k.rotated_at?.toISOString() ?? null,
    previous_secret_expires_at: k.previous_expires_at?.toISOString() ?? null,
    rate_limit_rpm: k.rate_limit_rpm,
    budget_usd: k.budget_usd,
    budget_period: k.budget_period,
    allowed_models: k.allowed_models,
  }));
}
type KeyView = Awaited<ReturnType<typeof keyViews>>[number];

/** Each budgeted key's spend this period, from the counters the hot path enforces (one read). */
async function withSpend(deps: Pick<Deps, "spend">, tenantId: string, views: readonly KeyView[]) {
  const budgets = views.flatMap((v) =>
    v.budget_usd !== null && v.budget_period
      ? [{ scope: "key" as const, id: v.id, tenantId, usd: v.budget_usd, period: v.budget_period }]
      : [],
  );
  const spent = new Map((await deps.spend.spentUsd(budgets)).map((usd, i) => [budgets[i]!.id, usd]));
  return views.map((v) => ({ ...v, spend_usd: spent.get(v.id) ?? null, budget_resets_at: resetsAt(v.budget_period) }));
}
