from typing import Any, Dict, Literal, Optional, Union, overload

from .._pagination import AsyncPaginator, SyncCursorPage
from .._transport import path
from ..types import (
    AdminDigest,
    AdminTenant,
    AdminTenantDetail,
    AuditEvent,
    DryRunResult,
    InviteCode,
    Proposal,
    TenantTransitionResult,
)
from ._base import Resource, compact, dry_run_query

# Mutations answer the change made, or with dry_run=True the change they would make; the overloads
# let a type checker tell which from the argument, as the TS SDK's Outcome<P, R> does.
Transition = Union[TenantTransitionResult, DryRunResult]
InviteCodeOutcome = Union[InviteCode, DryRunResult]
ProposalOutcome = Union[Proposal, DryRunResult]


class Admin(Resource):
    """Platform administration (DESIGN.md §6); callers must be platform admins (key or token).

    Every mutation takes ``dry_run=True``: it then answers a ``DryRunResult`` and changes nothing.
    Errors raise ``APIError`` subclasses: ``PermissionDeniedError`` (``not_platform_admin``),
    ``NotFoundError``, ``ConflictError`` (``invalid_transition``).

    Platform proposers (BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS, or a key minted with
    ``platform_proposer=True``) read everything here and call mutations with ``dry_run=True``; a real
    mutation from them raises ``PermissionDeniedError`` (``proposal_required``): they
    ``create_proposal`` instead, and an admin approves it.
    """

    def list_tenants(
        self, *, status: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> SyncCursorPage[AdminTenant]:
        """Tenants, oldest first; ``status`` filters (pending, active, rejected, suspended); ``limit`` ≤ 200 per page."""
        return self._list("/v1/admin/tenants", "either", compact(status=status, limit=limit), cursor)

    def get_tenant(self, id: str) -> AdminTenantDetail:
        """One tenant with its members, key counts, usage and status history."""
        return self._request("GET", path("/v1/admin/tenants/{}", id), "either")

    @overload
    def approve_tenant(self, id: str, *, dry_run: Literal[False] = False) -> TenantTransitionResult: ...
    @overload
    def approve_tenant(self, id: str, *, dry_run: Literal[True]) -> DryRunResult: ...
    @overload
    def approve_tenant(self, id: str, *, dry_run: bool) -> Transition: ...

    def approve_tenant(self, id: str, *, dry_run: bool = False) -> Transition:
        """Pending or suspended → active; answers the transition and the tenant (or the dry run)."""
        return self._request("POST", path("/v1/admin/tenants/{}/approve", id), "either", query=dry_run_query(dry_run), body={})

    @overload
    def reject_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: Literal[False] = False) -> TenantTransitionResult: ...
    @overload
    def reject_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: Literal[True]) -> DryRunResult: ...
    @overload
    def reject_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: bool) -> Transition: ...

    def reject_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: bool = False) -> Transition:
        """Pending → rejected, with an optional ``reason`` kept in the status history."""
        body = compact(reason=reason)
        return self._request("POST", path("/v1/admin/tenants/{}/reject", id), "either", query=dry_run_query(dry_run), body=body)

    @overload
    def suspend_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: Literal[False] = False) -> TenantTransitionResult: ...
    @overload
    def suspend_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: Literal[True]) -> DryRunResult: ...
    @overload
    def suspend_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: bool) -> Transition: ...

    def suspend_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: bool = False) -> Transition:
        """Active → suspended, with an optional ``reason``; the tenant's keys stop working at once."""
        body = compact(reason=reason)
        return self._request("POST", path("/v1/admin/tenants/{}/suspend", id), "either", query=dry_run_query(dry_run), body=body)

    @overload
    def create_invite_code(
        self, *, code: Optional[str] = None, max_uses: Optional[int] = None, expires_at: Optional[str] = None, note: Optional[str] = None,
        dry_run: Literal[False] = False,
    ) -> InviteCode: ...
    @overload
    def create_invite_code(
        self, *, code: Optional[str] = None, max_uses: Optional[int] = None, expires_at: Optional[str] = None, note: Optional[str] = None,
        dry_run: Literal[True],
    ) -> DryRunResult: ...
    @overload
    def create_invite_code(
        self, *, code: Optional[str] = None, max_uses: Optional[int] = None, expires_at: Optional[str] = None, note: Optional[str] = None,
        dry_run: bool,
    ) -> InviteCodeOutcome: ...

    def create_invite_code(
        self, *, code: Optional[str] = None, max_uses: Optional[int] = None, expires_at: Optional[str] = None, note: Optional[str] = None,
        dry_run: bool = False,
    ) -> InviteCodeOutcome:
        """Creates an invite code: ``code`` is generated when absent, no ``max_uses`` means unlimited, ``expires_at`` is ISO 8601."""
        body = compact(code=code, max_uses=max_uses, expires_at=expires_at, note=note)
        return self._request("POST", "/v1/admin/invite-codes", "either", query=dry_run_query(dry_run), body=body)

    def list_invite_codes(
        self, *, include_revoked: Optional[bool] = None, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> SyncCursorPage[InviteCode]:
        """Invite codes with their uses left; revoked ones only with ``include_revoked=True``."""
        return self._list("/v1/admin/invite-codes", "either", compact(include_revoked=include_revoked, limit=limit), cursor)

    @overload
    def delete_invite_code(self, id: str, *, dry_run: Literal[False] = False) -> InviteCode: ...
    @overload
    def delete_invite_code(self, id: str, *, dry_run: Literal[True]) -> DryRunResult: ...
    @overload
    def delete_invite_code(self, id: str, *, dry_run: bool) -> InviteCodeOutcome: ...

    def delete_invite_code(self, id: str, *, dry_run: bool = False) -> InviteCodeOutcome:
        """Revokes an invite code; answers it as revoked."""
        return self._request("DELETE", path("/v1/admin/invite-codes/{}", id), "either", query=dry_run_query(dry_run))

    def digest(self, *, window: Optional[str] = None) -> AdminDigest:
        """Business digest over ``window`` (``24h``, ``7d`` or ``30d``; default 24h), ``highlights`` first to relay."""
        return self._request("GET", "/v1/admin/digest", "either", query=compact(window=window))

    def create_proposal(
        self,
        *,
        action: str,
        rationale: str,
        target_id: Optional[str] = None,
        params: Optional[Dict[str, Any]] = None,
        expires_in_minutes: Optional[int] = None,
    ) -> Proposal:
        """Proposes an admin action for a human to approve; admins and proposers.

        ``action`` is ``approve_tenant``, ``reject_tenant``, ``suspend_tenant`` (``target_id`` the
        tenant, ``params`` ``{"reason"}``), ``create_invite_code`` (no ``target_id``, ``params`` the
        invite-code fields) or ``delete_invite_code``. Its dry run runs now: an illegal transition
        raises ConflictError (``invalid_transition``). Open for ``expires_in_minutes`` (default 1440).
        """
        body = compact(action=action, target_id=target_id, params=params, rationale=rationale, expires_in_minutes=expires_in_minutes)
        return self._request("POST", "/v1/admin/proposals", "either", body=body)

    def list_proposals(
        self, *, status: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> SyncCursorPage[Proposal]:
        """Proposals, newest first; ``status`` filters (open, executed, declined, expired, stale)."""
        return self._list("/v1/admin/proposals", "either", compact(status=status, limit=limit), cursor)

    def get_proposal(self, id: str) -> Proposal:
        """One proposal with its would-execute and, once decided, who decided and the result."""
        return self._request("GET", path("/v1/admin/proposals/{}", id), "either")

    @overload
    def approve_proposal(self, id: str, *, dry_run: Literal[False] = False) -> Proposal: ...
    @overload
    def approve_proposal(self, id: str, *, dry_run: Literal[True]) -> DryRunResult: ...
    @overload
    def approve_proposal(self, id: str, *, dry_run: bool) -> ProposalOutcome: ...

    def approve_proposal(self, id: str, *, dry_run: bool = False) -> ProposalOutcome:
        """Executes a proposal once and answers it ``executed``; admins only, never its proposer.

        Raises PermissionDeniedError (``self_approval_forbidden``) for the proposer, ConflictError
        ``proposal_stale`` when the target changed since (nothing runs), ``proposal_already_decided``
        or ``proposal_expired``. With ``dry_run=True``, what approving would run.
        """
        return self._request("POST", path("/v1/admin/proposals/{}/approve", id), "either", query=dry_run_query(dry_run))

    def decline_proposal(self, id: str, *, reason: Optional[str] = None) -> Proposal:
        """Declines an open proposal, with an optional ``reason``; admins only, never its proposer."""
        return self._request("POST", path("/v1/admin/proposals/{}/decline", id), "either", body=compact(reason=reason))

    def list_audit_events(
        self,
        *,
        tenant_id: Optional[str] = None,
        action: Optional[str] = None,
        actor: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> SyncCursorPage[AuditEvent]:
        """The audit trail of every tenant and the platform, newest first; one row per mutation.

        Filters: ``tenant_id``, ``action`` (``tenant.approved``, …), ``actor`` (an id or label),
        ``since``/``until`` (ISO 8601).
        """
        query = compact(tenant_id=tenant_id, action=action, actor=actor, since=since, until=until, limit=limit)
        return self._list("/v1/admin/audit", "either", query, cursor)


class AsyncAdmin(Admin):
    """``Admin`` on ``AsyncBrainstormRouter``: the same methods, awaitable; lists answer an ``AsyncPaginator``."""

    def list_tenants(  # type: ignore[override]
        self, *, status: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> AsyncPaginator[AdminTenant]:
        return super().list_tenants(status=status, limit=limit, cursor=cursor)  # type: ignore[return-value]

    async def get_tenant(self, id: str) -> AdminTenantDetail:  # type: ignore[override]
        return await super().get_tenant(id)  # type: ignore[misc]

    @overload  # type: ignore[override]
    async def approve_tenant(self, id: str, *, dry_run: Literal[False] = False) -> TenantTransitionResult: ...
    @overload
    async def approve_tenant(self, id: str, *, dry_run: Literal[True]) -> DryRunResult: ...
    @overload
    async def approve_tenant(self, id: str, *, dry_run: bool) -> Transition: ...

    async def approve_tenant(self, id: str, *, dry_run: bool = False) -> Transition:  # type: ignore[override]
        return await super().approve_tenant(id, dry_run=dry_run)  # type: ignore[misc]

    @overload  # type: ignore[override]
    async def reject_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: Literal[False] = False) -> TenantTransitionResult: ...
    @overload
    async def reject_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: Literal[True]) -> DryRunResult: ...
    @overload
    async def reject_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: bool) -> Transition: ...

    async def reject_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: bool = False) -> Transition:  # type: ignore[override]
        return await super().reject_tenant(id, reason=reason, dry_run=dry_run)  # type: ignore[misc]

    @overload  # type: ignore[override]
    async def suspend_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: Literal[False] = False) -> TenantTransitionResult: ...
    @overload
    async def suspend_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: Literal[True]) -> DryRunResult: ...
    @overload
    async def suspend_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: bool) -> Transition: ...

    async def suspend_tenant(self, id: str, *, reason: Optional[str] = None, dry_run: bool = False) -> Transition:  # type: ignore[override]
        return await super().suspend_tenant(id, reason=reason, dry_run=dry_run)  # type: ignore[misc]

    @overload  # type: ignore[override]
    async def create_invite_code(
        self, *, code: Optional[str] = None, max_uses: Optional[int] = None, expires_at: Optional[str] = None, note: Optional[str] = None,
        dry_run: Literal[False] = False,
    ) -> InviteCode: ...
    @overload
    async def create_invite_code(
        self, *, code: Optional[str] = None, max_uses: Optional[int] = None, expires_at: Optional[str] = None, note: Optional[str] = None,
        dry_run: Literal[True],
    ) -> DryRunResult: ...
    @overload
    async def create_invite_code(
        self, *, code: Optional[str] = None, max_uses: Optional[int] = None, expires_at: Optional[str] = None, note: Optional[str] = None,
        dry_run: bool,
    ) -> InviteCodeOutcome: ...

    async def create_invite_code(  # type: ignore[override]
        self, *, code: Optional[str] = None, max_uses: Optional[int] = None, expires_at: Optional[str] = None, note: Optional[str] = None,
        dry_run: bool = False,
    ) -> InviteCodeOutcome:
        return await super().create_invite_code(code=code, max_uses=max_uses, expires_at=expires_at, note=note, dry_run=dry_run)  # type: ignore[misc]

    def list_invite_codes(  # type: ignore[override]
        self, *, include_revoked: Optional[bool] = None, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> AsyncPaginator[InviteCode]:
        return super().list_invite_codes(include_revoked=include_revoked, limit=limit, cursor=cursor)  # type: ignore[return-value]

    @overload  # type: ignore[override]
    async def delete_invite_code(self, id: str, *, dry_run: Literal[False] = False) -> InviteCode: ...
    @overload
    async def delete_invite_code(self, id: str, *, dry_run: Literal[True]) -> DryRunResult: ...
    @overload
    async def delete_invite_code(self, id: str, *, dry_run: bool) -> InviteCodeOutcome: ...

    async def delete_invite_code(self, id: str, *, dry_run: bool = False) -> InviteCodeOutcome:  # type: ignore[override]
        return await super().delete_invite_code(id, dry_run=dry_run)  # type: ignore[misc]

    async def digest(self, *, window: Optional[str] = None) -> AdminDigest:  # type: ignore[override]
        return await super().digest(window=window)  # type: ignore[misc]

    async def create_proposal(  # type: ignore[override]
        self,
        *,
        action: str,
        rationale: str,
        target_id: Optional[str] = None,
        params: Optional[Dict[str, Any]] = None,
        expires_in_minutes: Optional[int] = None,
    ) -> Proposal:
        return await super().create_proposal(  # type: ignore[misc]
            action=action, rationale=rationale, target_id=target_id, params=params, expires_in_minutes=expires_in_minutes
        )

    def list_proposals(  # type: ignore[override]
        self, *, status: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> AsyncPaginator[Proposal]:
        return super().list_proposals(status=status, limit=limit, cursor=cursor)  # type: ignore[return-value]

    async def get_proposal(self, id: str) -> Proposal:  # type: ignore[override]
        return await super().get_proposal(id)  # type: ignore[misc]

    @overload  # type: ignore[override]
    async def approve_proposal(self, id: str, *, dry_run: Literal[False] = False) -> Proposal: ...
    @overload
    async def approve_proposal(self, id: str, *, dry_run: Literal[True]) -> DryRunResult: ...
    @overload
    async def approve_proposal(self, id: str, *, dry_run: bool) -> ProposalOutcome: ...

    async def approve_proposal(self, id: str, *, dry_run: bool = False) -> ProposalOutcome:  # type: ignore[override]
        return await super().approve_proposal(id, dry_run=dry_run)  # type: ignore[misc]

    async def decline_proposal(self, id: str, *, reason: Optional[str] = None) -> Proposal:  # type: ignore[override]
        return await super().decline_proposal(id, reason=reason)  # type: ignore[misc]

    def list_audit_events(  # type: ignore[override]
        self,
        *,
        tenant_id: Optional[str] = None,
        action: Optional[str] = None,
        actor: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> AsyncPaginator[AuditEvent]:
        return super().list_audit_events(  # type: ignore[return-value]
            tenant_id=tenant_id, action=action, actor=actor, since=since, until=until, limit=limit, cursor=cursor
        )
