import { randomUUID } from "node:crypto";
import type { Deps } from "../deps.js";
import { emit } from "../events/outbox.js";
import { InvalidRequestError } from "../http/errors.js";
import { consumeInviteCode, inviteCodeState } from "../store/invite-codes.js";
import type { TenantStatus } from "../store/schema.js";
import { insertTenant, recordStatusChange } from "../store/tenants.js";
import { insertUser } from "../store/users.js";
import { issueApiKey, issueClaimToken } from "./credentials.js";
import { INVITE_FAILURE_WINDOW_SECONDS } from "./provision.js";
import { withUniqueSlug } from "./slug-retry.js";

export interface RegisterInput {
  invite_code?: string;
  tenant_name: string;
  admin_email: string;
  accept_tos: true;
  tenant_slug?: string;
  key_name?: string;
}

const REGISTRATION_CLAIM_DAYS = 30;

const INVITE_ERRORS = {
  unknown: ["invite_code_invalid", "The invite code is not valid."],
  expired: ["invite_code_expired", "The invite code has expired."],
  used_up: ["invite_code_used_up", "The invite code has no uses left."],
} as const;

/**
 * Machine registration (DESIGN.md §6): tenant, machine actor, API key, claim token, the invite
 * code's use and the `tenant.signup` event, all in one transaction — a bad code or a taken slug
 * leaves nothing behind.
 */
type RegistrationDeps = Pick<Deps, "db" | "config" | "limits">;

export function registerTenant(deps: RegistrationDeps, input: RegisterInput, address: string) {
  return withUniqueSlug(input.tenant_name, input.tenant_slug, (slug) => registerOnce(deps, input, slug, address));
}

async function registerOnce(deps: RegistrationDeps, input: RegisterInput, slug: string, address: string) {
  const { db, config } = deps;
  // Unknown codes are guesses (an expired or used-up code is a real one): they spend the same
  // per-address budget as wrong codes at first sign-in, on top of the registration rate limit.
  const guesses = deps.limits.limiter({
    name: "invite-address",
    points: config.BR_INVITE_FAILURES_PER_ADDRESS,
    durationSeconds: INVITE_FAILURE_WINDOW_SECONDS,
  });
  if (input.invite_code !== undefined) await guesses.assertNotBlocked(address);
  const tenantId = randomUUID();
  return db.asTenant(tenantId, async (tx) => {
    if (input.invite_code !== undefined) {
      const used = await consumeInviteCode(tx, input.invite_code);
      if (!used) {
        const state = await inviteCodeState(tx, input.invite_code);
        if (state === "unknown") await guesses.consume(address).catch(() => undefined); // this answer stays the 400
        const [code, message] = INVITE_ERRORS[state];
        throw new InvalidRequestError(code, message, { action: "retry_with_params", field: "invite_code" });
      }
    }
    const status: TenantStatus = input.invite_code !== undefined || !config.betaGate ? "active" : "pending";
    const tenant = await insertTenant(tx, {
      id: tenantId,
      slug,
      name: input.tenant_name,
      status,
      admin_email: input.admin_email.toLowerCase(),
      source: "machine",
      status_reason: null,
      activated_at: status === "active" ? new Date() : null,
    });
    await recordStatusChange(tx, { tenantId, from: null, to: status, actor: "registration" });
    const user = await insertUser(tx, { tenantId, kind: "machine", role: "admin" });
    const apiKey = await issueApiKey(tx, { tenantId, userId: user.id, name: input.key_name ?? "default", role: "admin" });
    const claim = await issueClaimToken(tx, config, {
      tenantId,
      role: "owner",
      maxUses: 1,
      expiresInDays: REGISTRATION_CLAIM_DAYS,
      kind: "registration",
      createdBy: user.id,
    });
    await emit(
      tx,
      "tenant.signup",
      {
        tenantId,
        tenantSlug: tenant.slug,
        tenantName: tenant.name,
        email: input.admin_email.toLowerCase(),
        status,
        source: "machine",
        viaInvite: input.invite_code !== undefined,
      },
      tenantId,
    );
    return {
      tenant,
      api_key: { id: apiKey.id, key: apiKey.key, prefix: apiKey.prefix },
      claim: { token: claim.token, url: claim.url, expires_at: claim.expires_at.toISOString() },
    };
  });
}
