import { queryOptions } from "@tanstack/react-query";
import { identityApi } from "../../../lib/api-client";

/**
 * Which tenant the terminal belongs to, asked once per complete code. A wrong code spends the
 * same budget as a wrong confirm, so nothing here asks again on its own (focus, reconnect, retry).
 */
export const deviceLookupQueryOptions = (userCode: string, enabled: boolean) =>
  queryOptions({
    queryKey: ["device-lookup", userCode],
    queryFn: () => identityApi().auth.lookupDevice({ user_code: userCode }),
    enabled,
    retry: false,
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

export const confirmDevice = (userCode: string, action: "approve" | "deny") =>
  identityApi().auth.confirmDevice({ user_code: userCode, action });
