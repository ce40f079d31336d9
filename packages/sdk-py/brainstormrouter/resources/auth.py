from typing import Any, Optional

from .._transport import path
from ._base import Resource, compact

# The dashboard's routes: a human's OIDC access token, the tenant picked by ``tenant_id``.


class ApiKeys(Resource):
    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> Any:
        return self._list("/auth/api-keys", "access_token", compact(limit=limit), cursor)

    def create(self, *, name: str, role: Optional[str] = None, expires_in_days: Optional[int] = None) -> Any:
        """The answer holds ``key``, shown this once."""
        body = compact(name=name, role=role, expires_in_days=expires_in_days)
        return self._request("POST", "/auth/api-keys", "access_token", body=body)

    def revoke(self, id: str) -> Any:
        return self._request("DELETE", path("/auth/api-keys/{}", id), "access_token")


class Members(Resource):
    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> Any:
        return self._list("/auth/members", "access_token", compact(limit=limit), cursor)

    def update(self, id: str, *, role: str) -> Any:
        return self._request("PATCH", path("/auth/members/{}", id), "access_token", body={"role": role})

    def remove(self, id: str) -> Any:
        return self._request("DELETE", path("/auth/members/{}", id), "access_token")


class ClaimLinks(Resource):
    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> Any:
        return self._list("/auth/claim-links", "access_token", compact(limit=limit), cursor)

    def create(self, *, role: Optional[str] = None, max_uses: Optional[int] = None, expires_in_days: Optional[int] = None) -> Any:
        body = compact(role=role, max_uses=max_uses, expires_in_days=expires_in_days)
        return self._request("POST", "/auth/claim-links", "access_token", body=body)

    def revoke(self, id: str) -> Any:
        return self._request("DELETE", path("/auth/claim-links/{}", id), "access_token")


class Usage(Resource):
    def retrieve(self, *, days: Optional[int] = None) -> Any:
        """Per-day request and token counts of the current tenant (the dashboard's usage chart)."""
        return self._request("GET", "/auth/usage", "access_token", query=compact(days=days))


class Auth(Resource):
    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.api_keys = ApiKeys(client)
        self.members = Members(client)
        self.claim_links = ClaimLinks(client)
        self.usage = Usage(client)

    def provision(self, *, tenant_name: Optional[str] = None, invite_code: Optional[str] = None) -> Any:
        """First sign-in: creates the identity's tenant, or returns its memberships."""
        return self._request("POST", "/auth/provision", "access_token", body=compact(tenant_name=tenant_name, invite_code=invite_code))

    def me(self) -> Any:
        return self._request("GET", "/auth/me", "access_token")

    def claim(self, *, token: Optional[str] = None, tenant_id: Optional[str] = None) -> Any:
        """Redeems a claim token (or claims by verified email with ``tenant_id``)."""
        return self._request("POST", "/auth/claim", "access_token", body=compact(token=token, tenant_id=tenant_id))

    def preview_claim(self, *, token: str) -> Any:
        """The tenant and role a claim token grants, without claiming (the token travels in the body)."""
        return self._request("POST", "/auth/claim/preview", "access_token", body={"token": token})

    def lookup_device(self, *, user_code: str) -> Any:
        """Which tenant a terminal's user code belongs to, before approving it."""
        return self._request("POST", "/auth/device/lookup", "access_token", body={"user_code": user_code})

    def confirm_device(self, *, user_code: str, action: Optional[str] = None) -> Any:
        """The human's side of the device flow: approve (default) or deny a terminal's code."""
        return self._request("POST", "/auth/device/confirm", "access_token", body=compact(user_code=user_code, action=action))
