from typing import Optional

from .._pagination import AsyncPaginator, SyncCursorPage
from .._transport import path
from ..types import ApiKey, AuditEvent, CreatedApiKey, CurrentTenant
from ._base import OMITTED, Resource, compact, given


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
        platform_admin: Optional[bool] = None,
        platform_proposer: Optional[bool] = None,
    ) -> CreatedApiKey:
        """Creates a key (``role`` ``developer`` by default, or ``admin``); ``key`` is shown this once.

        ``platform_admin``/``platform_proposer`` only from a key that holds that power (else
        PermissionDeniedError ``not_platform_admin``).
        """
        body = compact(
            name=name, role=role, expires_in_days=expires_in_days, platform_admin=platform_admin, platform_proposer=platform_proposer
        )
        return self._request("POST", "/v1/tenant/api-keys", "api_key", body=body)

    def update_api_key(self, id: str, *, name: Optional[str] = None, expires_at: Optional[str] = OMITTED) -> ApiKey:
        """Renames a key or changes its expiry (a future ISO 8601 date-time; ``expires_at=None``: never expires)."""
        body = {**compact(name=name), **given(expires_at=expires_at)}
        return self._request("PATCH", path("/v1/tenant/api-keys/{}", id), "api_key", body=body)

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

    def list_api_keys(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> AsyncPaginator[ApiKey]:  # type: ignore[override]
        return super().list_api_keys(limit=limit, cursor=cursor)  # type: ignore[return-value]

    async def create_api_key(  # type: ignore[override]
        self,
        *,
        name: str,
        role: Optional[str] = None,
        expires_in_days: Optional[int] = None,
        platform_admin: Optional[bool] = None,
        platform_proposer: Optional[bool] = None,
    ) -> CreatedApiKey:
        return await super().create_api_key(  # type: ignore[misc]
            name=name, role=role, expires_in_days=expires_in_days, platform_admin=platform_admin, platform_proposer=platform_proposer
        )

    async def update_api_key(self, id: str, *, name: Optional[str] = None, expires_at: Optional[str] = OMITTED) -> ApiKey:  # type: ignore[override]
        return await super().update_api_key(id, name=name, expires_at=expires_at)  # type: ignore[misc]

    async def revoke_api_key(self, id: str) -> ApiKey:  # type: ignore[override]
        return await super().revoke_api_key(id)  # type: ignore[misc]

    async def rotate_api_key(self, id: str, *, grace_seconds: Optional[int] = None) -> CreatedApiKey:  # type: ignore[override]
        return await super().rotate_api_key(id, grace_seconds=grace_seconds)  # type: ignore[misc]
