from typing import Any, Optional

from .._pagination import AsyncPaginator, SyncCursorPage
from .._transport import path
from ..types import (
    ApiKey,
    AuditEvent,
    ClaimLink,
    ClaimLinkSummary,
    ClaimPreview,
    ClaimResult,
    CreatedApiKey,
    DeletedMember,
    DeviceConfirmation,
    DeviceLookup,
    Me,
    Member,
    ProvisionResponse,
)
from ..types import Usage as UsageReport
from ._base import OMITTED, Resource, compact, given

# The dashboard's routes: a human's OIDC access token, the tenant picked by ``tenant_id``. Role
# checks fail with PermissionDeniedError, unknown ids with NotFoundError.


class ApiKeys(Resource):
    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> SyncCursorPage[ApiKey]:
        """The tenant's API keys (prefix and last use, never the key itself)."""
        return self._list("/auth/api-keys", "access_token", compact(limit=limit), cursor)

    def create(
        self,
        *,
        name: str,
        role: Optional[str] = None,
        expires_in_days: Optional[int] = None,
        platform_admin: Optional[bool] = None,
        platform_proposer: Optional[bool] = None,
    ) -> CreatedApiKey:
        """Creates a key (``role`` ``developer`` by default, ``admin`` for owners only); ``key`` is shown this once.

        A key holds platform power only when asked for: ``platform_admin=True`` (platform admins
        only, e.g. for MCP) or ``platform_proposer=True`` (admins and proposers); else it is a plain
        tenant key, whoever creates it. Answered as ``platform_role``.
        """
        body = compact(
            name=name, role=role, expires_in_days=expires_in_days, platform_admin=platform_admin, platform_proposer=platform_proposer
        )
        return self._request("POST", "/auth/api-keys", "access_token", body=body)

    def update(self, id: str, *, name: Optional[str] = None, expires_at: Optional[str] = OMITTED) -> ApiKey:
        """Renames a key or changes its expiry (a future ISO 8601 date-time; ``expires_at=None``: never expires)."""
        body = {**compact(name=name), **given(expires_at=expires_at)}
        return self._request("PATCH", path("/auth/api-keys/{}", id), "access_token", body=body)

    def rotate(self, id: str, *, grace_seconds: Optional[int] = None) -> CreatedApiKey:
        """A new secret under the same id, shown this once as ``key``.

        The old secret keeps working for ``grace_seconds`` (0-86,400, default 3,600), then raises
        AuthenticationError ``api_key_rotated``; rotating again during a grace ends the older secret at once.
        """
        return self._request("POST", path("/auth/api-keys/{}/rotate", id), "access_token", body=compact(grace_seconds=grace_seconds))

    def revoke(self, id: str) -> ApiKey:
        """Revokes a key; it stops working at once. Answers the key as revoked."""
        return self._request("DELETE", path("/auth/api-keys/{}", id), "access_token")


class AsyncApiKeys(ApiKeys):
    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> AsyncPaginator[ApiKey]:  # type: ignore[override]
        return super().list(limit=limit, cursor=cursor)  # type: ignore[return-value]

    async def create(  # type: ignore[override]
        self,
        *,
        name: str,
        role: Optional[str] = None,
        expires_in_days: Optional[int] = None,
        platform_admin: Optional[bool] = None,
        platform_proposer: Optional[bool] = None,
    ) -> CreatedApiKey:
        return await super().create(  # type: ignore[misc]
            name=name, role=role, expires_in_days=expires_in_days, platform_admin=platform_admin, platform_proposer=platform_proposer
        )

    async def update(self, id: str, *, name: Optional[str] = None, expires_at: Optional[str] = OMITTED) -> ApiKey:  # type: ignore[override]
        return await super().update(id, name=name, expires_at=expires_at)  # type: ignore[misc]

    async def rotate(self, id: str, *, grace_seconds: Optional[int] = None) -> CreatedApiKey:  # type: ignore[override]
        return await super().rotate(id, grace_seconds=grace_seconds)  # type: ignore[misc]

    async def revoke(self, id: str) -> ApiKey:  # type: ignore[override]
        return await super().revoke(id)  # type: ignore[misc]


class Members(Resource):
    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> SyncCursorPage[Member]:
        """The tenant's members with their roles."""
        return self._list("/auth/members", "access_token", compact(limit=limit), cursor)

    def update(self, id: str, *, role: str) -> Member:
        """Changes a member's ``role`` (owner, admin or member)."""
        return self._request("PATCH", path("/auth/members/{}", id), "access_token", body={"role": role})

    def remove(self, id: str) -> DeletedMember:
        """Removes a member from the tenant."""
        return self._request("DELETE", path("/auth/members/{}", id), "access_token")


class AsyncMembers(Members):
    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> AsyncPaginator[Member]:  # type: ignore[override]
        return super().list(limit=limit, cursor=cursor)  # type: ignore[return-value]

    async def update(self, id: str, *, role: str) -> Member:  # type: ignore[override]
        return await super().update(id, role=role)  # type: ignore[misc]

    async def remove(self, id: str) -> DeletedMember:  # type: ignore[override]
        return await super().remove(id)  # type: ignore[misc]


class ClaimLinks(Resource):
    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> SyncCursorPage[ClaimLinkSummary]:
        """The tenant's claim links with their state and uses left (owners)."""
        return self._list("/auth/claim-links", "access_token", compact(limit=limit), cursor)

    def create(self, *, role: Optional[str] = None, max_uses: Optional[int] = None, expires_in_days: Optional[int] = None) -> ClaimLink:
        """Mints a claim link (owners); defaults: role member, 1 use, 7 days. ``token`` is shown this once."""
        body = compact(role=role, max_uses=max_uses, expires_in_days=expires_in_days)
        return self._request("POST", "/auth/claim-links", "access_token", body=body)

    def revoke(self, id: str) -> ClaimLinkSummary:
        """Revokes a claim link (owners)."""
        return self._request("DELETE", path("/auth/claim-links/{}", id), "access_token")


class AsyncClaimLinks(ClaimLinks):
    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> AsyncPaginator[ClaimLinkSummary]:  # type: ignore[override]
        return super().list(limit=limit, cursor=cursor)  # type: ignore[return-value]

    async def create(self, *, role: Optional[str] = None, max_uses: Optional[int] = None, expires_in_days: Optional[int] = None) -> ClaimLink:  # type: ignore[override]
        return await super().create(role=role, max_uses=max_uses, expires_in_days=expires_in_days)  # type: ignore[misc]

    async def revoke(self, id: str) -> ClaimLinkSummary:  # type: ignore[override]
        return await super().revoke(id)  # type: ignore[misc]


class Usage(Resource):
    def retrieve(self, *, days: Optional[int] = None) -> UsageReport:
        """Per-day request and token counts of the current tenant over the last ``days`` (the dashboard's usage chart)."""
        return self._request("GET", "/auth/usage", "access_token", query=compact(days=days))


class AsyncUsage(Usage):
    async def retrieve(self, *, days: Optional[int] = None) -> UsageReport:  # type: ignore[override]
        return await super().retrieve(days=days)  # type: ignore[misc]


class Auth(Resource):
    """The signed-in human's routes; ``api_keys``, ``members``, ``claim_links`` and ``usage`` manage the current tenant."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.api_keys = ApiKeys(client)
        self.members = Members(client)
        self.claim_links = ClaimLinks(client)
        self.usage = Usage(client)

    def provision(self, *, tenant_name: Optional[str] = None, invite_code: Optional[str] = None) -> ProvisionResponse:
        """First sign-in: creates the identity's tenant, or returns its memberships.

        The tenant's ``status`` is ``pending`` when the beta gate holds it; a rejected signup raises
        PermissionDeniedError.
        """
        return self._request("POST", "/auth/provision", "access_token", body=compact(tenant_name=tenant_name, invite_code=invite_code))

    def me(self) -> Me:
        """The identity, whether it is a platform admin, its current tenant and role, and every membership."""
        return self._request("GET", "/auth/me", "access_token")

    def claim(self, *, token: Optional[str] = None, tenant_id: Optional[str] = None) -> ClaimResult:
        """Redeems a claim token (or claims by verified email with ``tenant_id``).

        Raises ConflictError (``already_member``) or BadRequestError (``claim_token_invalid``,
        ``claim_token_expired``, ``claim_token_fully_redeemed``).
        """
        return self._request("POST", "/auth/claim", "access_token", body=compact(token=token, tenant_id=tenant_id))

    def preview_claim(self, *, token: str) -> ClaimPreview:
        """The tenant and role a claim token grants, without claiming (the token travels in the body)."""
        return self._request("POST", "/auth/claim/preview", "access_token", body={"token": token})

    def lookup_device(self, *, user_code: str) -> DeviceLookup:
        """Which tenant a terminal's user code belongs to, before approving it."""
        return self._request("POST", "/auth/device/lookup", "access_token", body={"user_code": user_code})

    def confirm_device(self, *, user_code: str, action: Optional[str] = None) -> DeviceConfirmation:
        """The human's side of the device flow: ``action`` ``approve`` (default) or ``deny`` a terminal's code.

        Wrong codes are rate-limited (RateLimitError).
        """
        return self._request("POST", "/auth/device/confirm", "access_token", body=compact(user_code=user_code, action=action))

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
        """The current tenant's audit trail, newest first (owners and admins): the dashboard's Activity page.

        Filters: ``action`` (``member.role_changed``, …), ``actor`` (an id or label), ``since``/``until`` (ISO 8601).
        """
        query = compact(action=action, actor=actor, since=since, until=until, limit=limit)
        return self._list("/auth/audit", "access_token", query, cursor)


class AsyncAuth(Auth):
    api_keys: AsyncApiKeys
    members: AsyncMembers
    claim_links: AsyncClaimLinks
    usage: AsyncUsage

    def __init__(self, client: Any) -> None:
        Resource.__init__(self, client)  # not Auth's: its sub-resources are the sync twins
        self.api_keys = AsyncApiKeys(client)
        self.members = AsyncMembers(client)
        self.claim_links = AsyncClaimLinks(client)
        self.usage = AsyncUsage(client)

    async def provision(self, *, tenant_name: Optional[str] = None, invite_code: Optional[str] = None) -> ProvisionResponse:  # type: ignore[override]
        return await super().provision(tenant_name=tenant_name, invite_code=invite_code)  # type: ignore[misc]

    async def me(self) -> Me:  # type: ignore[override]
        return await super().me()  # type: ignore[misc]

    async def claim(self, *, token: Optional[str] = None, tenant_id: Optional[str] = None) -> ClaimResult:  # type: ignore[override]
        return await super().claim(token=token, tenant_id=tenant_id)  # type: ignore[misc]

    async def preview_claim(self, *, token: str) -> ClaimPreview:  # type: ignore[override]
        return await super().preview_claim(token=token)  # type: ignore[misc]

    async def lookup_device(self, *, user_code: str) -> DeviceLookup:  # type: ignore[override]
        return await super().lookup_device(user_code=user_code)  # type: ignore[misc]

    async def confirm_device(self, *, user_code: str, action: Optional[str] = None) -> DeviceConfirmation:  # type: ignore[override]
        return await super().confirm_device(user_code=user_code, action=action)  # type: ignore[misc]

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
