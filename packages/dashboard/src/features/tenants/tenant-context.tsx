import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, useState, type ReactNode } from "react";
import { api, type Me, type Membership } from "../../api/client";

const STORAGE_KEY = "br.tenant";

/** The tenant the dashboard acts in; the API client reads it for X-BR-Tenant-Id. */
let selectedTenantId: string | null = localStorage.getItem(STORAGE_KEY);
export const currentTenantId = () => selectedTenantId;

interface TenantState {
  me: Me;
  current: Membership | null;
  select(tenantId: string): void;
  refresh(): Promise<unknown>;
}

const TenantContext = createContext<TenantState | null>(null);

export function useTenant(): TenantState {
  const state = useContext(TenantContext);
  if (!state) throw new Error("useTenant outside TenantProvider");
  return state;
}

export const meQueryKey = ["me"] as const;

export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: () => api.me() });
}

export function TenantProvider({ me, refresh, children }: { me: Me; refresh(): Promise<unknown>; children: ReactNode }) {
  const [chosen, setChosen] = useState(selectedTenantId);
  // A remembered tenant the identity left (or another identity's choice) falls back to the
  // server's default: the first active membership.
  const current =
    me.memberships.find((m) => m.tenant.id === chosen) ??
    me.memberships.find((m) => m.tenant.id === me.tenant?.id) ??
    me.memberships[0] ??
    null;
  selectedTenantId = current?.tenant.id ?? null;

  function select(tenantId: string) {
    selectedTenantId = tenantId;
    localStorage.setItem(STORAGE_KEY, tenantId);
    setChosen(tenantId);
  }

  return <TenantContext.Provider value={{ me, current, select, refresh }}>{children}</TenantContext.Provider>;
}
