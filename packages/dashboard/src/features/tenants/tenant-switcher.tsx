import { useId } from "react";
import { useTenant } from "./tenant-context";

const STATUS = { active: "active", pending: "pending approval", rejected: "rejected", suspended: "suspended" } as const;

/** Every membership with its role and status; a native select is keyboard- and screen-reader-ready. */
export function TenantSwitcher() {
  const { me, current, select } = useTenant();
  const id = useId();
  if (me.memberships.length === 0) return null;
  return (
    <div className="switcher">
      <label htmlFor={id}>Tenant</label>
      <select id={id} value={current?.tenant.id ?? ""} onChange={(e) => select(e.target.value)} data-testid="tenant-switcher">
        {me.memberships.map((m) => (
          <option key={m.tenant.id} value={m.tenant.id}>
            {m.tenant.name} · {m.role} · {STATUS[m.tenant.status]}
          </option>
        ))}
      </select>
    </div>
  );
}
