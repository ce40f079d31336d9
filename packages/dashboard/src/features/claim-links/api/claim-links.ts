import { queryOptions } from "@tanstack/react-query";
import type { ClaimLinkParams } from "brainstormrouter";
import { allItems, tenantApi } from "../../../lib/api-client";

export const claimLinksQueryOptions = (tenantId: string) =>
  queryOptions({ queryKey: ["claim-links", tenantId], queryFn: () => allItems((page) => tenantApi(tenantId).auth.claimLinks.list(page)) });

/** The answer's `url` carries the token, shown this once. */
export const createClaimLink = (tenantId: string, params: ClaimLinkParams) => tenantApi(tenantId).auth.claimLinks.create(params);

export const revokeClaimLink = (tenantId: string, linkId: string) => tenantApi(tenantId).auth.claimLinks.revoke(linkId);
