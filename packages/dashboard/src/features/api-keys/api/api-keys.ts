import { queryOptions } from "@tanstack/react-query";
import type { CreateApiKeyParams, UpdateApiKeyParams } from "brainstormrouter";
import { allItems, tenantApi } from "../../../lib/api-client";

/** Keyed by tenant, so the overview's count and the keys page share one cache entry. */
export const apiKeysQueryOptions = (tenantId: string) =>
  queryOptions({ queryKey: ["api-keys", tenantId], queryFn: () => allItems((page) => tenantApi(tenantId).auth.apiKeys.list(page)) });

/** The answer's `key` is shown this once. */
export const createApiKey = (tenantId: string, params: CreateApiKeyParams) => tenantApi(tenantId).auth.apiKeys.create(params);

/** Only the fields that changed; null clears a limit. */
export const updateApiKey = (tenantId: string, keyId: string, params: UpdateApiKeyParams) =>
  tenantApi(tenantId).auth.apiKeys.update(keyId, params);

/** A new secret under the same id, shown this once; the old one works for `graceSeconds`. */
export const rotateApiKey = (tenantId: string, keyId: string, graceSeconds: number) =>
  tenantApi(tenantId).auth.apiKeys.rotate(keyId, { grace_seconds: graceSeconds });

export const revokeApiKey = (tenantId: string, keyId: string) => tenantApi(tenantId).auth.apiKeys.revoke(keyId);
