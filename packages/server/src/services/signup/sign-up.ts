import { randomUUID } from "node:crypto";
import type { Identity } from "../../auth/jwt.js";
import type { Deps } from "../../deps.js";
import { emit } from "../../events/outbox.js";
import type { Tx } from "../../store/db.js";
import type { TenantStatus } from "../../store/schema.js";
import { insertTenant, recordStatusChange } from "../../store/tenants.js";
import { insertUser } from "../../store/users.js";
import { admitsWithoutApproval } from "./beta-gate.js";
import { spendInviteCode } from "./invite-guesses.js";
import { withUniqueSlug } from "./unique-slug.js";
import { type AuditActor, audit, identityActor } from "../audit.js";
import { addHumanMember } from "../memberships.js";

/** Who the new tenant's first actor is: an agent's machine user, or the signing-in human as owner. */
export type Founder = { kind: "machine" } | { kind: "human"; identity: Identity };

export interface SignupInput {
  name: string;
  /** A slug the caller chose (409 when taken); otherwise one is made from the name. */
  slug?: string | undefined;
  adminEmail: string;
  founder: Founder;
  inviteCode?: string | undefined;
  /** The client's address: invite guesses are budgeted per address. */
  address: string;
  /** The request that carried a machine registration, for the audit trail (a human's is on its identity). */
  requestId?: string | undefined;
}

export interface SignedUp {
  tenant: Awaited<ReturnType<typeof insertTenant>>;
  /** The founder's per-tenant actor (users row). */
  userId: string;
  tx: Tx;
}

type SignupDeps = Pick<Deps, "db" | "config" | "limits">;

/**
 * The one way a tenant comes to exist (machine registration and first sign-in): the invite code's
 * use, the beta gate's verdict, the tenant, its status history, the founder's actor (and owner
 * membership for a human) and the `tenant.signup` event, all in one transaction — a bad code or a
 * taken slug leaves nothing behind. `before` runs first in that transaction and may cancel the
 * signup (undefined) before anything is spent; `after` adds what the caller's flow hands out
 * (registration's key and claim token) in the same transaction.
 */
export function signUp<R>(deps: SignupDeps, input: SignupInput, steps: { after: (created: SignedUp) => Promise<R> }): Promise<R>;
export function signUp<R>(
  deps: SignupDeps,
  input: SignupInput,
  steps: { before: (tx: Tx) => Promise<boolean>; after: (created: SignedUp) => Promise<R> },
): Promise<R | undefined>;
export function signUp<R>(
  deps: SignupDeps,
  input: SignupInput,
  steps: { before?: (tx: Tx) => Promise<boolean>; after: (created: SignedUp) => Promise<R> },
): Promise<R | undefined> {
  return withUniqueSlug(input.name, input.slug, (slug) => {
    const tenantId = randomUUID();
    return deps.db.asTenant(tenantId, async (tx) => {
      if (steps.before && !(await steps.before(tx))) return undefined;
      const subject = input.founder.kind === "human" ? input.founder.identity.subject : undefined;
      if (input.inviteCode !== undefined) {
        await spendInviteCode(deps, tx, { code: input.inviteCode, address: input.address, ...(subject ? { subject } : {}) });
      }
      const viaInvite = input.inviteCode !== undefined;
      const status: TenantStatus = admitsWithoutApproval(deps.config, { inviteSpent: viaInvite, ...(subject ? { subject } : {}) })
        ? "active"
        : "pending";
      const source = input.founder.kind === "machine" ? "machine" : "oauth";
      const tenant = await insertTenant(tx, {
        id: tenantId,
        slug,
        name: input.name,
        status,
        admin_email: input.adminEmail,
        source,
        status_reason: null,
        activated_at: status === "active" ? new Date() : null,
      });
      await recordStatusChange(tx, { tenantId, from: null, to: status, actor: subject ?? "registration" });
      const userId = await insertFounder(tx, tenantId, input.founder);
      const by: AuditActor =
        input.founder.kind === "human"
          ? identityActor(input.founder.identity)
          : { via: "api_key", channel: "api", userId, label: "agent registration", requestId: input.requestId };
      await audit(tx, by, {
        tenantId,
        action: "tenant.signup",
        target: { type: "tenant", id: tenantId },
        changes: { status: [null, status] },
      });
      await emit(
        tx,
        "tenant.signup",
        {
          tenantId,
          tenantSlug: tenant.slug,
          tenantName: tenant.name,
          email: input.founder.kind === "human" ? input.founder.identity.email : input.adminEmail,
          status,
          source,
          viaInvite,
        },
        tenantId,
      );
      return steps.after({ tenant, userId, tx });
    });
  });
}

async function insertFounder(tx: Tx, tenantId: string, founder: Founder): Promise<string> {
  if (founder.kind === "machine") return (await insertUser(tx, { tenantId, kind: "machine", role: "admin" })).id;
  return (await addHumanMember(tx, tenantId, founder.identity, "owner")).userId;
}
