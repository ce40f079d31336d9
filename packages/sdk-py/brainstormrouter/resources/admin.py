from typing import Any, Optional

from .._transport import path
from ._base import Resource, compact, dry_run_query


class Admin(Resource):
    """Platform administration (DESIGN.md §6); callers must be platform admins (key or token)."""

    def list_tenants(self, *, status: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None) -> Any:
        return self._list("/v1/admin/tenants", "either", compact(status=status, limit=limit), cursor)

    def get_tenant(self, id: str) -> Any:
        return self._request("GET", path("/v1/admin/tenants/{}", id), "either")

    def approve_tenant(self, id: str, *, dry_run: bool = False) -> Any:
        return self._request("POST", path("/v1/admin/tenants/{}/approve", id), "either", query=dry_run_query(dry_run), body={})

    def reject_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: bool = False) -> Any:
        return self._request("POST", path("/v1/admin/tenants/{}/reject", id), "either", query=dry_run_query(dry_run), body=compact(reason=reason))

    def suspend_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: bool = False) -> Any:
        return self._request("POST", path("/v1/admin/tenants/{}/suspend", id), "either", query=dry_run_query(dry_run), body=compact(reason=reason))

    def create_invite_code(
        self,
        *,
        code: Optional[str] = None,
        max_uses: Optional[int] = None,
        expires_at: Optional[str] = None,
        note: Optional[str] = None,
        dry_run: bool = False,
    ) -> Any:
        body = compact(code=code, max_uses=max_uses, expires_at=expires_at, note=note)
        return self._request("POST", "/v1/admin/invite-codes", "either", query=dry_run_query(dry_run), body=body)

    def list_invite_codes(self, *, include_revoked: Optional[bool] = None, limit: Optional[int] = None, cursor: Optional[str] = None) -> Any:
        return self._list("/v1/admin/invite-codes", "either", compact(include_revoked=include_revoked, limit=limit), cursor)

    def delete_invite_code(self, id: str, *, dry_run: bool = False) -> Any:
        return self._request("DELETE", path("/v1/admin/invite-codes/{}", id), "either", query=dry_run_query(dry_run))

    def digest(self, *, window: Optional[str] = None) -> Any:
        return self._request("GET", "/v1/admin/digest", "either", query=compact(window=window))
