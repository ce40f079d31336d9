import { PermissionError } from "../http/errors.js";
import type { TenantStatus } from "../store/schema.js";

/**
 * The one rule every auth boundary applies (API key, JWT tenant context, provision, claim,
 * device confirm): only active tenants act.
 */
export function assertTenantActive(tenant: { status: TenantStatus }): void {
  switch (tenant.status) {
    case "active":
      return;
    case "pending":
      throw new PermissionError("tenant_pending", "This tenant is waiting for approval.", { action: "wait" });
    case "rejected":
      throw new PermissionError("tenant_rejected", "This tenant's signup was rejected.", { action: "escalate" });
    case "suspended":
      throw new PermissionError("tenant_suspended", "This tenant is suspended.", { action: "escalate" });
  }
}
