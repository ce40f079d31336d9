import type { Identity } from "../auth/jwt.js";
import type { Deps } from "../deps.js";
import { audit, identityActor } from "./audit.js";
import { emit } from "../events/outbox.js";
import { AppError, type DeviceTokenErrorCode } from "../errors/index.js";
import { callerBudget } from "../limits/caller-budget.js";
import { guessWithinBudgets } from "../limits/failure-budget.js";
import { formatUserCode, generateDeviceCode, generateUserCode, normalizeUserCode, sha256 } from "../lib/tokens.js";
import { pgErrorCode, UNIQUE_VIOLATION, type Tx } from "../store/db.js";
import {
  decideDevice,
  insertDeviceAuthorization,
  findDevice,
  lockDevice,
  lockDeviceByCodeHash,
  lookupPendingDevice,
  markDelivered,
  markExpired,
  recordPoll,
  setIntervalByCodeHash,
} from "../store/device-authorizations.js";
import { findMemberBySubject, lockTenant } from "../store/memberships.js";
import type { MembershipRole } from "../store/schema.js";
import { findTenant, findTenantSummary } from "../store/tenants.js";
import type { Actor } from "./actor.js";
import { assertTenantActive } from "./tenant-status.js";
import { addHumanMember } from "./memberships.js";
import { holdsOwnerPower } from "./owner-power.js";

type DeviceDeps = Pick<Deps, "db" | "config" | "limits" | "devicePolls">;

// RFC 8628 §3.2 / DESIGN.md §6.
const EXPIRES_IN_SECONDS = 900;
const INTERVAL_SECONDS = 5;
const SLOW_DOWN_STEP_SECONDS = 5;
const USER_CODE_ATTEMPTS = 3;
const CONFIRM_FAILURE_WINDOW_SECONDS = 15 * 60;

export type { DeviceTokenErrorCode };

/**
 * A device-token answer other than success; the route writes it in the RFC 8628 §3.5 body shape
 * (`error` is the code, `error_description` the catalogue's message).
 */
export class DeviceTokenError extends AppError {
  constructor(readonly error: DeviceTokenErrorCode) {
    super(error);
  }
}

/**
 * The role an identity new to the tenant gets on approval. An owner device link makes its approver
 * owner, so only a credential with the owner's power mints one (owner-power.ts); the default is the
 * highest role the caller may hand out: owner for the registration key of an unclaimed tenant,
 * admin for any other admin key.
 */
async function deviceRole(tx: Tx, actor: Actor, requested: MembershipRole | undefined): Promise<MembershipRole> {
  const owner = await holdsOwnerPower(tx, actor);
  if (requested === "owner" && !owner) {
    throw new AppError("owner_required", {
      message:
        "Only the tenant's owners, or its registration key until the tenant is claimed, mint owner device links; ask for role admin or member.",
    });
  }
  return requested ?? (owner ? "owner" : "admin");
}

/** RFC 8628 §3.1-3.2: a device code for the terminal, a short user code for the human. */
export async function authorizeDevice(deps: DeviceDeps, actor: Actor, input: { role?: MembershipRole | undefined }) {
  const deviceCode = generateDeviceCode();
  for (let attempt = 1; ; attempt++) {
    const userCode = generateUserCode();
    try {
      await deps.db.asTenant(actor.tenantId, async (tx) =>
        insertDeviceAuthorization(tx, {
          tenantId: actor.tenantId,
          deviceCodeHash: sha256(deviceCode),
          userCode,
          role: await deviceRole(tx, actor, input.role),
          interval: INTERVAL_SECONDS,
          expiresAt: new Date(Date.now() + EXPIRES_IN_SECONDS * 1000),
          createdByKeyId: actor.keyId ?? null,
        }),
      );
    } catch (err) {
      // A user code only has to be unique among pending ones; on the rare clash, draw again.
      if (pgErrorCode(err) === UNIQUE_VIOLATION && attempt < USER_CODE_ATTEMPTS) continue;
      throw err;
    }
    await deps.devicePolls.rememberPending(sha256(deviceCode), {
      tenantId: actor.tenantId,
      expiresAt: Date.now() + EXPIRES_IN_SECONDS * 1000,
    });
    const verificationUri = `${deps.config.publicUrl}/dashboard/device`;
    const shown = formatUserCode(userCode);
    return {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${shown}`,
      expires_in: EXPIRES_IN_SECONDS,
      interval: INTERVAL_SECONDS,
    };
  }
}

/**
 * The signed-in human approves or denies the device with its user code. An identity that already
 * belongs to the tenant keeps its role; a new one joins with the device's.
 */
export async function confirmDevice(
  deps: DeviceDeps,
  identity: Identity,
  address: string,
  input: { user_code: string; action: "approve" | "deny" },
) {
  const found = await findPendingDevice(deps, identity, address, input.user_code);
  const result = await deps.db.asTenant(found.tenant_id, async (tx) => {
    const tenant = await lockTenant(tx, found.tenant_id);
    if (!tenant) throw alreadyDecided();
    // The key that started the flow was checked then; the tenant may have been suspended since.
    assertTenantActive(tenant);
    const device = await lockDevice(tx, found.device_id);
    assertDecidable(device);
    const by = identityActor(identity);
    const target = { type: "device", id: device.id };
    if (input.action === "deny") {
      await decideDevice(tx, device.id, { status: "denied" });
      await audit(tx, by, { tenantId: tenant.id, action: "device.denied", target, changes: { status: ["pending", "denied"] } });
      return { status: "denied" as const, tenant, role: null, codeHash: device.device_code_hash };
    }
    const member = await ensureMember(tx, identity, tenant.id, device.role);
    await decideDevice(tx, device.id, { status: "linked", externalId: identity.subject, userId: member.userId });
    await audit(tx, by, {
      tenantId: tenant.id,
      action: "device.approved",
      target,
      changes: { status: ["pending", "linked"], ...(member.created ? { role: [null, member.role] } : {}) },
    });
    await emit(
      tx,
      "device.linked",
      {
        tenantId: tenant.id,
        tenantSlug: tenant.slug,
        tenantName: tenant.name,
        deviceId: device.id,
        subject: identity.subject,
        email: identity.email,
        role: member.role,
        newMember: member.created,
        keyId: device.created_by_key_id,
      },
      tenant.id,
    );
    return { status: "linked" as const, tenant, role: member.role, codeHash: device.device_code_hash };
  });
  // After the commit: polls now go to the database, which holds the decision.
  await deps.devicePolls.decided(result.codeHash);
  return { status: result.status, tenant: result.tenant, role: result.role };
}

/**
 * Which tenant a code would link the terminal to, and as what, before the human approves: the same
 * answers as confirm for unknown, used and expired codes, and wrong codes spend confirm's budgets,
 * so looking cannot walk the code space faster than confirming. The tenant comes in any status; a
 * confirm would then be refused with it.
 */
export async function lookupDevice(deps: DeviceDeps, identity: Identity, address: string, userCode: string) {
  const found = await findPendingDevice(deps, identity, address, userCode);
  return deps.db.asTenant(found.tenant_id, async (tx) => {
    const tenant = await findTenantSummary(tx, found.tenant_id);
    if (!tenant) throw alreadyDecided();
    const device = await findDevice(tx, found.device_id);
    assertDecidable(device);
    const member = await findMemberBySubject(tx, identity.subject);
    return { tenant, role: member?.role ?? device.role, expires_at: device.expires_at.toISOString() };
  });
}

/**
 * A pending device by the code the human typed. Wrong codes are counted per identity — the caller
 * is always signed in here, so its address is not charged (decisions.md #102: one guesser behind a
 * NAT must not lock out everyone behind it). A spent budget answers 429 even for a right code, so
 * the 20^8 code space cannot be walked — not even by a burst of concurrent guesses, as each is
 * charged before it is looked up.
 */
async function findPendingDevice(deps: DeviceDeps, identity: Identity, address: string, input: string) {
  const budgets = [
    callerBudget(
      deps.limits,
      {
        name: { identity: "device-confirm-identity", address: "device-confirm-address" },
        points: {
          identity: deps.config.BR_DEVICE_CONFIRM_FAILURES_PER_IDENTITY,
          address: deps.config.BR_DEVICE_CONFIRM_FAILURES_PER_ADDRESS,
        },
        durationSeconds: CONFIRM_FAILURE_WINDOW_SECONDS,
      },
      { identity: identity.subject, address },
    ),
  ];
  return guessWithinBudgets(
    budgets,
    async () => {
      const userCode = normalizeUserCode(input);
      const found = userCode ? await deps.db.asApp((tx) => lookupPendingDevice(tx, userCode)) : undefined;
      if (!found) throw invalidUserCode();
      return found;
    },
    (err) => err instanceof AppError && err.code === "invalid_user_code",
  );
}

const invalidUserCode = () => new AppError("invalid_user_code");

const alreadyDecided = () => new AppError("device_already_decided");

/** The device row, read in its tenant after the cross-tenant look-up: still pending, not expired. */
function assertDecidable<T extends { status: string; expired: boolean }>(device: T | undefined): asserts device is T {
  if (!device || device.status !== "pending") throw alreadyDecided();
  if (device.expired) {
    throw new AppError("user_code_expired");
  }
}

async function ensureMember(tx: Tx, identity: Identity, tenantId: string, role: MembershipRole) {
  const existing = await findMemberBySubject(tx, identity.subject);
  if (existing) return { userId: existing.user_id, role: existing.role, created: false };
  const { userId } = await addHumanMember(tx, tenantId, identity, role);
  return { userId, role, created: true };
}

/**
 * RFC 8628 §3.4-3.5 poll, by a key of the device's own tenant: RLS hides every other tenant's
 * device, so a foreign key gets exactly the answer of an unknown code. The row lock makes
 * concurrent polls take turns, so the link is handed out once. Poll bookkeeping (last poll, grown
 * interval, expiry) commits before the answer is thrown.
 */
export async function pollDeviceToken(deps: Pick<Deps, "db" | "devicePolls">, actor: Actor, deviceCode: string) {
  const codeHash = sha256(deviceCode);
  const cached = await deps.devicePolls.answer(codeHash, actor.tenantId, INTERVAL_SECONDS, SLOW_DOWN_STEP_SECONDS);
  if (cached?.error === "slow_down") {
    // Rare by definition; the grown interval is kept in the database too (DESIGN.md §6).
    await deps.db.asTenant(actor.tenantId, (tx) => setIntervalByCodeHash(tx, codeHash, cached.interval));
  }
  if (cached) throw new DeviceTokenError(cached.error);

  const outcome = await deps.db.asTenant(actor.tenantId, async (tx) => {
    const d = await lockDeviceByCodeHash(tx, codeHash);
    if (!d || d.delivered_at) return "invalid_grant" as const;
    // Before the expiry check: a device approved in time keeps its link however late it polls.
    if (d.status === "linked") {
      const member = d.linked_external_id ? await findMemberBySubject(tx, d.linked_external_id) : undefined;
      const tenant = await findTenant(tx, actor.tenantId);
      // A member removed between approval and this poll: the link it would report no longer exists.
      if (!member || !tenant || !(await markDelivered(tx, d.id))) return "invalid_grant" as const;
      return {
        kind: "linked" as const,
        body: {
          status: "linked" as const,
          tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status },
          user: { id: member.user_id, subject: member.external_id, email: member.email, role: member.role },
        },
      };
    }
    if (d.status === "expired" || d.expired) {
      if (d.status === "pending") await markExpired(tx, d.id);
      return "expired_token" as const;
    }
    if (d.status === "denied") return "access_denied" as const;
    // slow_down is "a variant of authorization_pending" (§3.5): only a pending device is throttled.
    const tooSoon = d.seconds_since_poll !== null && d.seconds_since_poll < d.interval;
    const interval = tooSoon ? d.interval + SLOW_DOWN_STEP_SECONDS : d.interval;
    await recordPoll(tx, d.id, interval);
    return {
      kind: "pending" as const,
      error: tooSoon ? ("slow_down" as const) : ("authorization_pending" as const),
      interval,
      expiresAt: d.expires_at,
    };
  });
  if (typeof outcome === "string") throw new DeviceTokenError(outcome);
  if (outcome.kind === "pending") {
    // Found pending (say, after a restart emptied the in-memory cache): later polls skip the database.
    await deps.devicePolls.rememberPending(
      codeHash,
      { tenantId: actor.tenantId, expiresAt: outcome.expiresAt.getTime() },
      { at: Date.now(), interval: outcome.interval },
    );
    throw new DeviceTokenError(outcome.error);
  }
  return outcome.body;
}
