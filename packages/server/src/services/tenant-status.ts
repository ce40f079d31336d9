import { AppError } from "../errors/index.js";
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
      throw new AppError("tenant_pending");
    case "rejected":
      throw new AppError("tenant_rejected");
    case "suspended":
      throw new AppError("tenant_suspended");
  }
}
