import { BrainstormRouter, type PagePromise } from "brainstormrouter";
import { readSession } from "../auth/session";

/**
 * The dashboard's way to the server is the TypeScript SDK, one client per call so that each
 * carries the session's token of the moment. Retries are the query client's (4xx never, network
 * failures and 5xx twice): the SDK's own would sit out a 429's Retry-After, which the pages
 * explain to the person instead.
 */
function client(tenantId: string | null): BrainstormRouter {
  return new BrainstormRouter({ baseURL: window.location.origin, accessToken: readSession()?.token ?? null, tenantId, maxRetries: 0 });
}

/**
 * The identity's own routes (me, provision, claim, device): they name no tenant, so a remembered
 * tenant the identity has since left cannot make them fail.
 */
export const identityApi = () => client(null);

/** Routes that act in a tenant: X-BR-Tenant-Id is the tenant the query is keyed by. */
export const tenantApi = (tenantId: string) => client(tenantId);

/** The largest page a list route gives (DESIGN.md §6). */
const PAGE_SIZE = 200;

/** Every item of a list, page after page, following `next_cursor` to the end. */
export async function allItems<Item>(list: (params: { limit: number }) => PagePromise<Item>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of list({ limit: PAGE_SIZE })) items.push(item);
  return items;
}
