import { queryOptions } from "@tanstack/react-query";
import { tenantApi } from "../../../lib/api-client";
import { errorCode } from "../../../lib/api-errors";

export const usageQueryOptions = (tenantId: string, days = 30) =>
  queryOptions({
    queryKey: ["usage", tenantId, days],
    queryFn: async () => {
      try {
        return await tenantApi(tenantId).auth.usage.retrieve({ days });
      } catch (err) {
        // A server without the data plane's usage route: "not available", not an error.
        if (errorCode(err) === "route_not_found") return null;
        throw err;
      }
    },
  });
