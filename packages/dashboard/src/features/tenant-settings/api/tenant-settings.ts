import { queryOptions } from "@tanstack/react-query";
import type { UpdateTenantSettingsParams } from "brainstormrouter";
import { tenantApi } from "../../../lib/api-client";

/**
 * Any member reads them: the keys page shows their ceilings next to a key's own limits, and
 * spend moves with every request, so a visit reads it afresh.
 */
export const tenantSettingsQueryOptions = (tenantId: string) =>
  queryOptions({
    queryKey: ["tenant-settings", tenantId],
    queryFn: () => tenantApi(tenantId).auth.tenantSettings.retrieve(),
    staleTime: 0,
  });

/** Owners and admins; null clears a field. */
export const updateTenantSettings = (tenantId: string, params: UpdateTenantSettingsParams) =>
  tenantApi(tenantId).auth.tenantSettings.update(params);
