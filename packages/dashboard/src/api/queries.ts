import { queryOptions } from "@tanstack/react-query";
import { api, ApiError } from "./client";

/** Tenant-scoped queries, keyed by tenant so the overview and the pages share one cache entry. */
export const queries = {
  apiKeys: (tenantId: string) => queryOptions({ queryKey: ["api-keys", tenantId], queryFn: api.apiKeys.list }),
  members: (tenantId: string) => queryOptions({ queryKey: ["members", tenantId], queryFn: api.members.list }),
  claimLinks: (tenantId: string) => queryOptions({ queryKey: ["claim-links", tenantId], queryFn: api.claimLinks.list }),
  usage: (tenantId: string, days = 30) =>
    queryOptions({
      queryKey: ["usage", tenantId, days],
      queryFn: async () => {
        try {
          return await api.usage.retrieve(days);
        } catch (err) {
          // A server without the data plane's usage route: "not available", not an error.
          if (err instanceof ApiError && err.code === "route_not_found") return null;
          throw err;
        }
      },
    }),
};
