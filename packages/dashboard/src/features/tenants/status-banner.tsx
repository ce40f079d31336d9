import type { TenantSummary } from "brainstormrouter";
import { Banner } from "../../components/ui";

/** What a non-active tenant means for its keys, and what happens next. */
export function TenantStatusBanner({ tenant }: { tenant: TenantSummary }) {
  switch (tenant.status) {
    case "active":
      return null;
    case "pending":
      return (
        <Banner tone="warning" title={`${tenant.name} is waiting for approval`}>
          New tenants are reviewed before they go live. Until a platform admin approves it, its API keys are refused with{" "}
          <code>tenant_pending</code> and the pages below stay locked. Nothing to do here — you'll see this banner disappear once it is
          approved.
        </Banner>
      );
    case "rejected":
      return (
        <Banner tone="danger" title={`${tenant.name} was not approved`}>
          The signup for this tenant was rejected, so its API keys will not work. If you think this is a mistake, contact the platform
          administrators of this BrainstormRouter.
        </Banner>
      );
    case "suspended":
      return (
        <Banner tone="danger" title={`${tenant.name} is suspended`}>
          Every API key of this tenant is refused with <code>tenant_suspended</code> until a platform admin reactivates it. Members and keys
          are kept as they are.
        </Banner>
      );
  }
}
