import { infiniteQueryOptions } from "@tanstack/react-query";
import type { AuditEvent, PageResponse } from "brainstormrouter";
import { tenantApi } from "../../../lib/api-client";

export interface ActivityFilter {
  action?: string;
  actor?: string;
}

const PAGE_SIZE = 50;

/**
 * The tenant's audit trail, newest first, one page at a time: the trail only grows, so the page
 * loads older rows on request (following `next_cursor`) instead of reading all of it up front.
 */
export const activityQueryOptions = (tenantId: string, filter: ActivityFilter) =>
  infiniteQueryOptions({
    queryKey: ["activity", tenantId, filter],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }): Promise<PageResponse<AuditEvent>> => {
      const page = await tenantApi(tenantId).auth.listAuditEvents({
        limit: PAGE_SIZE,
        ...(pageParam ? { cursor: pageParam } : {}),
        ...(filter.action ? { action: filter.action } : {}),
        ...(filter.actor ? { actor: filter.actor } : {}),
      });
      return { data: page.data, next_cursor: page.nextCursor };
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Every visit shows what happened since: the changes are made on the other pages.
    staleTime: 0,
  });
