from typing import List, Optional

from .._pagination import AsyncPaginator, SyncCursorPage
from .._transport import path
from ..types import ApiKey, AuditEvent, CreatedApiKey, CurrentTenant, TenantSettings, Usage
from ._base import OMITTED, Resource, compact, given
from ._usage import usage_query


class Tenant(Resource):
    def retrieve(self) -> CurrentTenant:
        """The calling key's tenant (id, slug, name, status) and the key itself (id, prefix, role).

        A pending, rejected or suspended tenant raises PermissionDeniedError (``tenant_pending``, …).
        """
        return self._request("GET", "/v1/tenant", "api_key")

    def list_audit_events(
        self,
        *,
        action: Optional[str] = None,
        actor: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> SyncCursorPage[AuditEvent]:
        """The key's tenant's audit trail, newest first (admin-role keys; others raise PermissionDeniedError).

        Filters: ``action`` (``api_key.created``, …), ``actor`` (an id or label), ``since``/``until`` (ISO 8601).
        """
        query = compact(action=action, actor=actor, since=since, until=until, limit=limit)
        return self._list("/v1/tenant/audit", "api_key", query, cursor)

    def usage(
        self,
        *,
        from_: Optional[str] = None,
        to: Optional[str] = None,
        group_by: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> Usage:
        """The tenant's requests, tokens, cost and errors over UTC days (admin-role keys).

        ``from_``/``to`` are YYYY-MM-DD, both included (default: the last 30 days); ``group_by`` is
        ``day`` (default: every day, zeros included), ``key`` or ``model`` (by cost, ``limit`` at a
        time; the next page with ``cursor=next_cursor``). A range backwards or over 366 days raises
        BadRequestError.
        """
        query = usage_query(from_=from_, to=to, group_by=group_by, limit=limit, cursor=cursor)
        return self._request("GET", "/v1/tenant/usage", "api_key", query=query)

    def settings(self) -> TenantSettings:
        """The tenant's budget, model access and key limits, with its spend this period (admin-role keys)."""
        return self._request("GET", "/v1/tenant/settings", "api_key")

    def update_settings(
        self,
        *,
        rate_limit_rpm: Optional[int] = OMITTED,
        budget_usd: Optional[float] = OMITTED,
        budget_period: Optional[str] = OMITTED,
        allowed_models: Optional[List[str]] = OMITTED,
        max_key_lifetime_days: Optional[int] = OMITTED,
    ) -> TenantSettings:
        """Changes the tenant's budget, model access or key limits (admin-role keys); only the fields passed change.

        ``None`` clears a field: ``rate_limit_rpm`` (each key's default and ceiling), ``budget_usd`` (every
        key's spend together, per ``budget_period``: ``daily``, ``monthly`` (the default) or ``lifetime``,
        UTC), ``allowed_models`` (globs such as ``gpt-4o*``; None: every model), ``max_key_lifetime_days``
        (new keys expire within it). Every key reloads its policy at once. A ``budget_period`` without a
        budget, or nothing to change, raises BadRequestError.
        """
        body = given(
            rate_limit_rpm=rate_limit_rpm,
            budget_usd=budget_usd,
            budget_period=budget_period,
            allowed_models=allowed_models,
            max_key_lifetime_days=max_key_lifetime_days,
        )
        return self._request("PATCH", "/v1/tenant/settings", "api_key", body=body)

    # Headless key management: admin-role keys; a developer key raises PermissionDeniedError
    # (``insufficient_role``), another tenant's key id NotFoundError (``api_key_not_found``).

    def list_api_keys(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> SyncCursorPage[ApiKey]:
        """The tenant's API keys (prefix and last use, never the key itself)."""
        return self._list("/v1/tenant/api-keys", "api_key", compact(limit=limit), cursor)

    def create_api_key(
        self,
        *,
        name: str,
        role: Optional[str] = None,
        expires_in_days: Optional[int] = None,
        expires_at: Optional[str] = None,
        platform_admin: Optional[bool] = None,
        platform_proposer: Optional[bool] = None,
        rate_limit_rpm: Optional[int] = None,
        budget_usd: Optional[float] = None,
        budget_period: Optional[str] = None,
        allowed_models: Optional[List[str]] = None,
    ) -> CreatedApiKey:
        """Creates a key (``role`` ``developer`` by default, or ``admin``); ``key`` is shown this once.

        ``platform_admin``/``platform_proposer`` only from a key that holds that power (else
        PermissionDeniedError ``not_platform_admin``). Limits narrow the tenant's settings:
        ``expires_at`` (ISO 8601, not with ``expires_in_days``), ``rate_limit_rpm``, ``budget_usd`` per
        ``budget_period`` (``daily``, ``monthly`` (the default), ``lifetime``; UTC), ``allowed_models``
        (globs such as ``gpt-4o*``). An rpm above the tenant's or an expiry beyond its
        ``max_key_lifetime_days`` raises BadRequestError ``exceeds_tenant_policy``.
        """
        body = compact(
            name=name,
            role=role,
            expires_in_days=expires_in_days,
            expires_at=expires_at,
            platform_admin=platform_admin,
            platform_proposer=platform_proposer,
            rate_limit_rpm=rate_limit_rpm,
            budget_usd=budget_usd,
            budget_period=budget_period,
            allowed_models=allowed_models,
        )
        return self._request("POST", "/v1/tenant/api-keys", "api_key", body=body)

    def update_api_key(
        self,
        id: str,
        *,
        name: Optional[str] = None,
        expires_at: Optional[str] = OMITTED,
        rate_limit_rpm: Optional[int] = OMITTED,
        budget_usd: Optional[float] = OMITTED,
        budget_period: Optional[str] = OMITTED,
        allowed_models: Optional[List[str]] = OMITTED,
    ) -> ApiKey:
        """Renames a key or changes its expiry or limits; only the fields passed change, ``None`` clears one.

        ``expires_at``: a future ISO 8601 date-time (None: never expires); ``rate_limit_rpm``,
        ``budget_usd``/``budget_period``, ``allowed_models`` as on ``create_api_key``.
        """
        limits = given(
            expires_at=expires_at, rate_limit_rpm=rate_limit_rpm, budget_usd=budget_usd, budget_period=budget_period, allowed_models=allowed_models
        )
        return self._request("PATCH", path("/v1/tenant/api-keys/{}", id), "api_key", body={**compact(name=name), **limits})

    def revoke_api_key(self, id: str) -> ApiKey:
        """Revokes a key; it stops working at once on every instance."""
        return self._request("DELETE", path("/v1/tenant/api-keys/{}", id), "api_key")

    def rotate_api_key(self, id: str, *, grace_seconds: Optional[int] = None) -> CreatedApiKey:
        """A new secret under the same id, shown this once as ``key``; a key may rotate itself.

        The old secret keeps working for ``grace_seconds`` (0-86,400, default 3,600), then raises
        AuthenticationError ``api_key_rotated``; rotating again during a grace ends the older secret at once.
        """
        return self._request("POST", path("/v1/tenant/api-keys/{}/rotate", id), "api_key", body=compact(grace_seconds=grace_seconds))


class AsyncTenant(Tenant):
    async def retrieve(self) -> CurrentTenant:  # type: ignore[override]
        return await super().retrieve()  # type: ignore[misc]

    def list_audit_events(  # type: ignore[override]
        self,
        *,
        action: Optional[str] = None,
        actor: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> AsyncPaginator[AuditEvent]:
        return super().list_audit_events(  # type: ignore[return-value]
            action=action, actor=actor, since=since, until=until, limit=limit, cursor=cursor
        )

    async def usage(  # type: ignore[override]
        self,
        *,
        from_: Optional[str] = None,
        to: Optional[str] = None,
        group_by: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> Usage:
        return await super().usage(from_=from_, to=to, group_by=group_by, limit=limit, cursor=cursor)  # type: ignore[misc]

    async def settings(self) -> TenantSettings:  # type: ignore[override]
        return await super().settings()  # type: ignore[misc]

    async def update_settings(  # type: ignore[override]
        self,
        *,
        rate_limit_rpm: Optional[int] = OMITTED,
        budget_usd: Optional[float] = OMITTED,
        budget_period: Optional[str] = OMITTED,
        allowed_models: Optional[List[str]] = OMITTED,
        max_key_lifetime_days: Optional[int] = OMITTED,
    ) -> TenantSettings:
        return await super().update_settings(  # type: ignore[misc]
            rate_limit_rpm=rate_limit_rpm,
            budget_usd=budget_usd,
            budget_period=budget_period,
            allowed_models=allowed_models,
            max_key_lifetime_days=max_key_lifetime_days,
        )

    def list_api_keys(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> AsyncPaginator[ApiKey]:  # type: ignore[override]
        return super().list_api_keys(limit=limit, cursor=cursor)  # type: ignore[return-value]

    async def create_api_key(  # type: ignore[override]
        self,
        *,
        name: str,
        role: Optional[str] = None,
        expires_in_days: Optional[int] = None,
        expires_at: Optional[str] = None,
        platform_admin: Optional[bool] = None,
        platform_proposer: Optional[bool] = None,
        rate_limit_rpm: Optional[int] = None,
        budget_usd: Optional[float] = None,
        budget_period: Optional[str] = None,
        allowed_models: Optional[List[str]] = None,
    ) -> CreatedApiKey:
        return await super().create_api_key(  # type: ignore[misc]
            name=name,
            role=role,
            expires_in_days=expires_in_days,
            expires_at=expires_at,
            platform_admin=platform_admin,
            platform_proposer=platform_proposer,
            rate_limit_rpm=rate_limit_rpm,
            budget_usd=budget_usd,
            budget_period=budget_period,
            allowed_models=allowed_models,
        )

    async def update_api_key(  # type: ignore[override]
        self,
        id: str,
        *,
        name: Optional[str] = None,
        expires_at: Optional[str] = OMITTED,
        rate_limit_rpm: Optional[int] = OMITTED,
        budget_usd: Optional[float] = OMITTED,
        budget_period: Optional[str] = OMITTED,
        allowed_models: Optional[List[str]] = OMITTED,
    ) -> ApiKey:
        return await super().update_api_key(  # type: ignore[misc]
            id,
            name=name,
            expires_at=expires_at,
            rate_limit_rpm=rate_limit_rpm,
            budget_usd=budget_usd,
            budget_period=budget_period,
            allowed_models=allowed_models,
        )

    async def revoke_api_key(self, id: str) -> ApiKey:  # type: ignore[override]
        return await super().revoke_api_key(id)  # type: ignore[misc]

    async def rotate_api_key(self, id: str, *, grace_seconds: Optional[int] = None) -> CreatedApiKey:  # type: ignore[override]
        return await super().rotate_api_key(id, grace_seconds=grace_seconds)  # type: ignore[misc]
