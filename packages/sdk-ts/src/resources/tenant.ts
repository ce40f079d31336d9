import type { PagePromise } from "../core/pagination.js";
import type { RequestOptions } from "../core/request.js";
import type { AuditEvent, ListAuditEventsParams } from "./audit.js";
import { APIResource } from "./resource.js";
import type { TenantSummary } from "./shared.js";

export interface CurrentTenant {
  tenant: TenantSummary;
  key: { id: string; prefix: string; role: "admin" | "developer" };
}

export class Tenant extends APIResource {
  /** The calling key's tenant and the key itself. */
  retrieve(options?: RequestOptions): Promise<CurrentTenant> {
    return this.core.request({ method: "GET", path: "/v1/tenant", credential: "apiKey", options });
  }

  /** The tenant's audit trail, newest first (admin-role keys). */
  listAuditEvents(params: ListAuditEventsParams = {}, options?: RequestOptions): PagePromise<AuditEvent> {
    return this.paginate("/v1/tenant/audit", "apiKey", params, options);
  }
}
