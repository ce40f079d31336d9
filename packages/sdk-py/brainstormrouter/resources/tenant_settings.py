from typing import List, Optional

from ..types import TenantSettings as TenantSettingsView
from ._base import OMITTED, Resource, given

# The tenant's settings (DESIGN.md §10): defaults and ceilings for every key. Headless on
# ``client.tenant.settings/update_settings`` (admin-role keys), here for the dashboard.


class TenantSettings(Resource):
    def retrieve(self) -> TenantSettingsView:
        """The current tenant's budget, model access and key limits, with its spend this period (members)."""
        return self._request("GET", "/auth/tenant/settings", "access_token")

    def update(
        self,
        *,
        rate_limit_rpm: Optional[int] = OMITTED,
        budget_usd: Optional[float] = OMITTED,
        budget_period: Optional[str] = OMITTED,
        allowed_models: Optional[List[str]] = OMITTED,
        max_key_lifetime_days: Optional[int] = OMITTED,
    ) -> TenantSettingsView:
        """Changes the current tenant's budget, model access or key limits (owners and admins); only the fields passed change.

        ``None`` clears a field: ``rate_limit_rpm`` (each key's default and ceiling), ``budget_usd`` (every
        key's spend together, per ``budget_period``: ``daily``, ``monthly`` (the default) or ``lifetime``,
        UTC), ``allowed_models`` (globs such as ``gpt-4o*``; None: every model), ``max_key_lifetime_days``
        (new keys expire within it). Every key reloads its policy at once. Other members raise
        PermissionDeniedError (``admin_required``); a ``budget_period`` without a budget BadRequestError.
        """
        body = given(
            rate_limit_rpm=rate_limit_rpm,
            budget_usd=budget_usd,
            budget_period=budget_period,
            allowed_models=allowed_models,
            max_key_lifetime_days=max_key_lifetime_days,
        )
        return self._request("PATCH", "/auth/tenant/settings", "access_token", body=body)


class AsyncTenantSettings(TenantSettings):
    async def retrieve(self) -> TenantSettingsView:  # type: ignore[override]
        return await super().retrieve()  # type: ignore[misc]

    async def update(  # type: ignore[override]
        self,
        *,
        rate_limit_rpm: Optional[int] = OMITTED,
        budget_usd: Optional[float] = OMITTED,
        budget_period: Optional[str] = OMITTED,
        allowed_models: Optional[List[str]] = OMITTED,
        max_key_lifetime_days: Optional[int] = OMITTED,
    ) -> TenantSettingsView:
        return await super().update(  # type: ignore[misc]
            rate_limit_rpm=rate_limit_rpm,
            budget_usd=budget_usd,
            budget_period=budget_period,
            allowed_models=allowed_models,
            max_key_lifetime_days=max_key_lifetime_days,
        )
