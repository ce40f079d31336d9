import { z } from "zod";
import type { Tx } from "../../store/db.js";
import type { ProposalAction, TenantStatus, WouldExecute } from "../../store/schema.js";
import { findInviteCode, inviteCodeTaken } from "../../store/invite-codes.js";
import { findTenant } from "../../store/tenants.js";
import type { Actor } from "../actor.js";
import { generateInviteCode, INVITE_CODE_PATTERN, insertInviteIn, inviteDryRun, planRevoke, revokeInviteIn } from "./invite-codes.js";
import { applyTransition, planTransition, type TransitionKind } from "./tenant-admin.js";

/**
 * What each proposable action is: its parameters, its dry run now, what may have moved since (read
 * only), and its execution later through the same code the direct admin route runs.
 */
interface ActionSpec {
  target: "tenant" | "invite_code" | null;
  params: z.ZodType<Record<string, unknown>>;
  /** The would-execute of the dry run, and the line a human reads before deciding. */
  plan(tx: Tx, actor: Actor, targetId: string | null, params: Record<string, unknown>): Promise<{ would: WouldExecute; summary: string }>;
  /** What moved since the dry run, or null: read only, so an approval's dry run can ask too. */
  stale(tx: Tx, p: Stored): Promise<string | null>;
  /** Runs the action; called under the proposal's lock once `stale` said nothing moved. */
  execute(tx: Tx, actor: Actor, p: Stored & { proposalId: string }): Promise<Record<string, unknown>>;
}

interface Stored {
  targetId: string | null;
  params: Record<string, unknown>;
  would: WouldExecute;
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
    async stale(tx, p) {
      const tenant = await findTenant(tx, p.targetId!);
      if (!tenant) return "the tenant no longer exists";
      return tenant.status === p.would.from ? null : `tenant is already ${tenant.status}`;
    },
    async execute(tx, actor, p) {
      const input = { id: p.targetId!, reason: p.params.reason as string | undefined, allowedFrom: [p.would.from as TenantStatus] };
      const done = await applyTransition(tx, actor, await planTransition(tx, kind, input), { proposalId: p.proposalId });
      return { executed: done.executed, tenant: done.tenant };
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
    async stale(tx, p) {
      const code = p.would.code as string;
      if (await inviteCodeTaken(tx, code)) return `invite code ${code} exists already`;
      const expiresAt = p.params.expires_at as string | undefined;
      return expiresAt && Date.parse(expiresAt) <= Date.now() ? "its expiry has passed" : null;
    },
    async execute(tx, actor, p) {
      const created = await insertInviteIn(tx, actor, { ...p.params, code: p.would.code as string }, { proposalId: p.proposalId });
      return { invite_code: created };
    },
  },
  delete_invite_code: {
    target: "invite_code",
    params: z.strictObject({}),
    async plan(tx, _actor, targetId) {
      const { plan } = await planRevoke(tx, targetId!);
      return { would: plan, summary: `revoke invite code ${plan.code}` };
    },
    async stale(tx, p) {
      const invite = await findInviteCode(tx, p.targetId!);
      return invite && !invite.deleted_at ? null : "the invite code is already revoked";
    },
    async execute(tx, actor, p) {
      return { invite_code: await revokeInviteIn(tx, actor, { id: p.targetId! }, { proposalId: p.proposalId }) };
    },
  },
};
