import { queryOptions } from "@tanstack/react-query";
import { identityApi } from "../../../lib/api-client";

/** The tenant and role a claim token grants; looking spends nothing, so once is enough. */
export const claimPreviewQueryOptions = (token: string | null) =>
  queryOptions({
    queryKey: ["claim-preview", token],
    queryFn: () => identityApi().auth.previewClaim({ token: token! }),
    enabled: token !== null,
    retry: false,
    staleTime: Infinity,
  });

/** By a claim link's token, or by verified email for a tenant listed as claimable. */
export const claimTenant = (params: { token: string } | { tenant_id: string }) => identityApi().auth.claim(params);
