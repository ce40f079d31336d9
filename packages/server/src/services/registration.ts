import type { Deps } from "../deps.js";
import { issueApiKey, issueClaimToken } from "./credentials.js";
import { recipientBudget } from "./signup/recipient-budget.js";
import { signUp } from "./signup/sign-up.js";

export interface RegisterInput {
  invite_code?: string;
  tenant_name: string;
  admin_email: string;
  accept_tos: true;
  tenant_slug?: string;
  key_name?: string;
}

const REGISTRATION_CLAIM_DAYS = 30;

type RegistrationDeps = Pick<Deps, "db" | "config" | "limits">;

/**
 * Machine registration (DESIGN.md §6): a signup whose founder is the agent's machine user, handed
 * an admin API key and an owner claim token for the human who will manage the tenant. The claim
 * link is also mailed to admin_email, which nobody has verified: registrations naming one mailbox
 * are limited per hour (429 with nothing created), whatever addresses they come from (decisions.md #101).
 */
export async function registerTenant(deps: RegistrationDeps, input: RegisterInput, address: string, requestId?: string) {
  const adminEmail = input.admin_email.trim().toLowerCase();
  const recipient = recipientBudget(deps, adminEmail);
  try {
    return await signUp(
      deps,
      {
        name: input.tenant_name,
        slug: input.tenant_slug,
        adminEmail,
        founder: { kind: "machine" },
        inviteCode: input.invite_code,
        address,
        requestId,
      },
      {
        async after({ tenant, userId, tx }) {
          // Charged here, not up front: a refused invite code, a taken slug or a database that is
          // down sends no mail, so it must not spend the mailbox's budget, even for a moment. The
          // transaction is still open: a refusal rolls the tenant back.
          await recipient.charge();
          const apiKey = await issueApiKey(tx, { tenantId: tenant.id, userId, name: input.key_name ?? "default", role: "admin" });
          const claim = await issueClaimToken(tx, deps.config, {
            tenantId: tenant.id,
            role: "owner",
            maxUses: 1,
            expiresInDays: REGISTRATION_CLAIM_DAYS,
            kind: "registration",
            createdBy: userId,
          });
          return {
            tenant,
            api_key: { id: apiKey.id, key: apiKey.key, prefix: apiKey.prefix },
            claim: { token: claim.token, url: claim.url, expires_at: claim.expires_at.toISOString() },
          };
        },
      },
    );
  } catch (err) {
    // Nothing committed, so no mail will go out: the point comes back. A failing refund must not
    // hide why the registration failed.
    await recipient.refund().catch(() => undefined);
    throw err;
  }
}
