import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ProvisionParams } from "brainstormrouter";
import { identityApi } from "../../../lib/api-client";

export const meQueryKey = ["me"] as const;

/** The identity, its memberships (the switcher) and the tenants it may claim by email. */
export const meQueryOptions = () => queryOptions({ queryKey: meQueryKey, queryFn: () => identityApi().auth.me() });

export const useMe = () => useQuery(meQueryOptions());

/** Creates the identity's first tenant (an invite code makes it active at once). */
export const provision = (params: ProvisionParams) => identityApi().auth.provision(params);
