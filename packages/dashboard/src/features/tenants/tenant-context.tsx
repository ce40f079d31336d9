import type { Me, Membership } from "brainstormrouter";
import { createContext, useContext, useState, type ReactNode } from "react";

const STORAGE_KEY = "br.tenant";

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

export function TenantProvider({ me, refresh, children }: { me: Me; refresh(): Promise<unknown>; children: ReactNode }) {
  // The tenant the dashboard acts in: tenant pages key their queries, and so X-BR-Tenant-Id, by it.
  const [chosen, setChosen] = useState(() => localStorage.getItem(STORAGE_KEY));
  // A remembered tenant the identity left (or another identity's choice) falls back to the
  // server's default: the first active membership.
  const current =
    me.memberships.find((m) => m.tenant.id === chosen) ??
    me.memberships.find((m) => m.tenant.id === me.tenant?.id) ??
    me.memberships[0] ??
    null;

  function select(tenantId: string) {
    localStorage.setItem(STORAGE_KEY, tenantId);
    setChosen(tenantId);
  }

  return <TenantContext.Provider value={{ me, current, select, refresh }}>{children}</TenantContext.Provider>;
}
