import { queryOptions } from "@tanstack/react-query";
import type { MembershipRole } from "brainstormrouter";
import { allItems, tenantApi } from "../../../lib/api-client";

export const membersQueryOptions = (tenantId: string) =>
  queryOptions({ queryKey: ["members", tenantId], queryFn: () => allItems((page) => tenantApi(tenantId).auth.members.list(page)) });

export const updateMemberRole = (tenantId: string, memberId: string, role: MembershipRole) =>
  tenantApi(tenantId).auth.members.update(memberId, { role });

export const removeMember = (tenantId: string, memberId: string) => tenantApi(tenantId).auth.members.remove(memberId);
