from typing import Any, List, Optional

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
from ._usage import usage_query
from .tenant_settings import AsyncTenantSettings, TenantSettings

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
        expires_at: Optional[str] = None,
        platform_admin: Optional[bool] = None,
        platform_proposer: Optional[bool] = None,
        rate_limit_rpm: Optional[int] = None,
        budget_usd: Optional[float] = None,
        budget_period: Optional[str] = None,
        allowed_models: Optional[List[str]] = None,
    ) -> CreatedApiKey:
        """Creates a key (``role`` ``developer`` by default, ``admin`` for owners only); ``key`` is shown this once.

        A key holds platform power only when asked for: ``platform_admin=True`` (platform admins
        only, e.g. for MCP) or ``platform_proposer=True`` (admins and proposers); else it is a plain
        tenant key, whoever creates it. Answered as ``platform_role``.

        Limits narrow the tenant's settings: ``expires_at`` (ISO 8601, not with ``expires_in_days``),
        ``rate_limit_rpm``, ``budget_usd`` per ``budget_period`` (``daily``, ``monthly`` (the default),
        ``lifetime``; UTC), ``allowed_models`` (globs such as ``gpt-4o*``). An rpm above the tenant's or
        an expiry beyond its ``max_key_lifetime_days`` raises BadRequestError ``exceeds_tenant_policy``.
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
        return self._request("POST", "/auth/api-keys", "access_token", body=body)

    def update(
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
        ``budget_usd``/``budget_period``, ``allowed_models`` as on ``create``.
        """
        limits = given(
            expires_at=expires_at, rate_limit_rpm=rate_limit_rpm, budget_usd=budget_usd, budget_period=budget_period, allowed_models=allowed_models
        )
        return self._request("PATCH", path("/auth/api-keys/{}", id), "access_token", body={**compact(name=name), **limits})

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
        expires_at: Optional[str] = None,
        platform_admin: Optional[bool] = None,
        platform_proposer: Optional[bool] = None,
        rate_limit_rpm: Optional[int] = None,
        budget_usd: Optional[float] = None,
        budget_period: Optional[str] = None,
        allowed_models: Optional[List[str]] = None,
    ) -> CreatedApiKey:
        return await super().create(  # type: ignore[misc]
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

    async def update(  # type: ignore[override]
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
        return await super().update(  # type: ignore[misc]
            id,
            name=name,
            expires_at=expires_at,
            rate_limit_rpm=rate_limit_rpm,
            budget_usd=budget_usd,
            budget_period=budget_period,
            allowed_models=allowed_models,
        )

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
    def retrieve(
        self,
        *,
        from_: Optional[str] = None,
        to: Optional[str] = None,
        group_by: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> UsageReport:
        """The current tenant's requests, tokens, cost and errors over UTC days (the dashboard's usage page).

        ``from_``/``to`` are YYYY-MM-DD, both included (default: the last 30 days); ``group_by`` is
        ``day`` (default), ``key`` or ``model``; keys and models come ``limit`` at a time, the next
        page with ``cursor=next_cursor``. A range backwards or over 366 days raises BadRequestError.
        """
        query = usage_query(from_=from_, to=to, group_by=group_by, limit=limit, cursor=cursor)
        return self._request("GET", "/auth/usage", "access_token", query=query)


class AsyncUsage(Usage):
    async def retrieve(  # type: ignore[override]
        self,
        *,
        from_: Optional[str] = None,
        to: Optional[str] = None,
        group_by: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> UsageReport:
        return await super().retrieve(from_=from_, to=to, group_by=group_by, limit=limit, cursor=cursor)  # type: ignore[misc]


class Auth(Resource):
    """The signed-in human's routes; ``api_keys``, ``members``, ``claim_links``, ``usage`` and ``tenant_settings`` manage the current tenant."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.api_keys = ApiKeys(client)
        self.members = Members(client)
        self.claim_links = ClaimLinks(client)
        self.usage = Usage(client)
        self.tenant_settings = TenantSettings(client)

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
    tenant_settings: AsyncTenantSettings

    def __init__(self, client: Any) -> None:
        Resource.__init__(self, client)  # not Auth's: its sub-resources are the sync twins
        self.api_keys = AsyncApiKeys(client)
        self.members = AsyncMembers(client)
        self.claim_links = AsyncClaimLinks(client)
        self.usage = AsyncUsage(client)
        self.tenant_settings = AsyncTenantSettings(client)

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
