import type { Deps } from "../deps.js";
import { issueApiKey, issueClaimToken } from "./credentials.js";
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
 * an admin API key and an owner claim token for the human who will manage the tenant.
 */
export function registerTenant(deps: RegistrationDeps, input: RegisterInput, address: string) {
  return signUp(
    deps,
    {
      name: input.tenant_name,
      slug: input.tenant_slug,
      adminEmail: input.admin_email.toLowerCase(),
      founder: { kind: "machine" },
      inviteCode: input.invite_code,
      address,
    },
    {
      async after({ tenant, userId, tx }) {
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
}
