import { queryOptions } from "@tanstack/react-query";
import type { CreateApiKeyParams } from "brainstormrouter";
import { allItems, tenantApi } from "../../../lib/api-client";

/** Keyed by tenant, so the overview's count and the keys page share one cache entry. */
export const apiKeysQueryOptions = (tenantId: string) =>
  queryOptions({ queryKey: ["api-keys", tenantId], queryFn: () => allItems((page) => tenantApi(tenantId).auth.apiKeys.list(page)) });

/** The answer's `key` is shown this once. */
export const createApiKey = (tenantId: string, params: CreateApiKeyParams) => tenantApi(tenantId).auth.apiKeys.create(params);

export const revokeApiKey = (tenantId: string, keyId: string) => tenantApi(tenantId).auth.apiKeys.revoke(keyId);
