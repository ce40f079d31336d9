from typing import Optional

from .._pagination import AsyncPaginator, SyncCursorPage
from ..types import AuditEvent, CurrentTenant
from ._base import Resource, compact


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
