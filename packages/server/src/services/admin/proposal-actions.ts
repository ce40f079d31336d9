import { z } from "zod";
import { AppError } from "../../errors/index.js";
import type { Tx } from "../../store/db.js";
import type { ProposalAction, TenantStatus, WouldExecute } from "../../store/schema.js";
import { findTenant } from "../../store/tenants.js";
import type { Actor } from "../actor.js";
import { generateInviteCode, INVITE_CODE_PATTERN, insertInviteIn, inviteDryRun, planRevoke, revokeInviteIn } from "./invite-codes.js";
import { planTransition, type TransitionKind, transitionIn } from "./tenant-admin.js";

/**
 * What each proposable action is: its parameters, its dry run now, and its execution later through
 * the same code the direct admin route runs, after checking that the target is still where the
 * dry run saw it. `stale` names what changed; nothing has been written when it is returned.
 */
interface ActionSpec {
  target: "tenant" | "invite_code" | null;
  params: z.ZodType<Record<string, unknown>>;
  /** The would-execute of the dry run, and the line a human reads before deciding. */
  plan(tx: Tx, actor: Actor, targetId: string | null, params: Record<string, unknown>): Promise<{ would: WouldExecute; summary: string }>;
  execute(
    tx: Tx,
    actor: Actor,
    p: { targetId: string | null; params: Record<string, unknown>; would: WouldExecute; proposalId: string },
  ): Promise<{ result: Record<string, unknown> } | { stale: string }>;
}

const reasonParams = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

function tenantAction(kind: TransitionKind, verb: string): ActionSpec {
  return {
    target: "tenant",
    params: reasonParams,
    async plan(tx, _actor, targetId, params) {
      const { tenant, plan } = await planTransition(tx, kind, { id: targetId!, reason: params.reason as string | undefined });
      return { would: plan, summary: `${verb} tenant ${tenant.name} (${tenant.slug}): ${plan.from} → ${plan.to}` };
    },
    async execute(tx, actor, p) {
      const from = p.would.from as TenantStatus;
      const tenant = await findTenant(tx, p.targetId!);
      if (!tenant) return { stale: "the tenant no longer exists" };
      if (tenant.status !== from) return { stale: `tenant is already ${tenant.status}` };
      const done = await transitionIn(tx, actor, kind, {
        id: tenant.id,
        reason: p.params.reason as string | undefined,
        allowedFrom: [from],
        proposalId: p.proposalId,
      });
      return { result: done.dry_run ? {} : { executed: done.executed, tenant: done.tenant } };
    },
  };
}

const inviteParams = z.strictObject({
  code: z.string().regex(INVITE_CODE_PATTERN, "4-64 letters, digits, '-' or '_'").optional(),
  max_uses: z.number().int().positive().nullable().optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  note: z.string().trim().max(500).optional(),
});

export const PROPOSAL_ACTIONS: Record<ProposalAction, ActionSpec> = {
  approve_tenant: tenantAction("approve", "approve"),
  reject_tenant: tenantAction("reject", "reject"),
  suspend_tenant: tenantAction("suspend", "suspend"),
  create_invite_code: {
    target: null,
    params: inviteParams,
    async plan(tx, actor, _targetId, params) {
      // The code is drawn now, so the human approves the very code that will exist.
      const chosen = params as z.infer<typeof inviteParams>;
      const input = { ...chosen, code: chosen.code ?? generateInviteCode() };
      const dry = await inviteDryRun(tx, actor, input);
      const uses = input.max_uses ? `, ${input.max_uses} uses` : "";
      return { would: { ...dry.would_execute, generated: params.code === undefined }, summary: `create invite code ${input.code}${uses}` };
    },
    async execute(tx, actor, p) {
      const code = p.would.code as string;
      try {
        const created = await insertInviteIn(tx, actor, { ...p.params, code }, { proposalId: p.proposalId });
        return { result: { invite_code: created } };
      } catch (err) {
        if (err instanceof AppError && (err.code === "invite_code_exists" || err.code === "invalid_expires_at")) {
          return { stale: err.code === "invite_code_exists" ? `invite code ${code} exists already` : "its expiry has passed" };
        }
        throw err;
      }
    },
  },
  delete_invite_code: {
    target: "invite_code",
    params: z.strictObject({}),
    async plan(tx, _actor, targetId) {
      const { plan } = await planRevoke(tx, targetId!);
      return { would: plan, summary: `revoke invite code ${plan.code}` };
    },
    async execute(tx, actor, p) {
      try {
        const revoked = await revokeInviteIn(tx, actor, { id: p.targetId! }, { proposalId: p.proposalId });
        return { result: { invite_code: revoked } };
      } catch (err) {
        if (err instanceof AppError && err.code === "invite_code_not_found") return { stale: "the invite code is already revoked" };
        throw err;
      }
    },
  },
};
