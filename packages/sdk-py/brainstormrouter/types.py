"""What the API answers, as ``TypedDict``s: plain dicts at run time, checked shapes for type checkers.

Named after the component schemas of ``docs/openapi.yaml`` (nested objects after their parent); the
lockstep test (``packages/server/test/lockstep/python-shapes.test.ts``) fails when a field, its
requiredness, its JSON type or its enum differs from that document. Keys that the schema does not
require sit in ``total=False`` classes, since ``NotRequired`` needs Python 3.11.
"""
from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

TenantStatus = Literal["pending", "active", "rejected", "suspended"]
MembershipRole = Literal["owner", "admin", "member"]
KeyRole = Literal["admin", "developer"]
PlatformRole = Literal["admin", "proposer"]

# Shared


class TenantSummary(TypedDict):
    id: str
    slug: str
    name: str
    status: TenantStatus


class Membership(TypedDict):
    tenant: TenantSummary
    role: MembershipRole
    joined_at: str


class DryRunAction(TypedDict):
    """``action`` plus whatever describes the change (``id``, ``from``, ``to``, …)."""

    action: str


class DryRunResult(TypedDict):
    """What a mutation answers with ``dry_run=True``: the change it would make; nothing changed."""

    dry_run: Literal[True]
    would_execute: DryRunAction


class ActorRef(TypedDict):
    """Who did or proposed something; ``label`` is an email, a key's name and prefix, a Slack user, never a secret."""

    kind: Literal["user", "api_key", "slack_user", "system"]
    id: str
    label: str


# Registration and the calling key


class RegisteredApiKey(TypedDict):
    id: str
    key: str
    prefix: str


class RegistrationClaim(TypedDict):
    token: str
    url: str
    expires_at: str


class RegisterResponse(TypedDict):
    tenant: TenantSummary
    api_key: RegisteredApiKey
    claim: RegistrationClaim


class CurrentKey(TypedDict):
    id: str
    prefix: str
    role: KeyRole


class CurrentTenant(TypedDict):
    tenant: TenantSummary
    key: CurrentKey


# Identity Bridge


class ClaimLink(TypedDict):
    id: str
    token: str
    url: str
    role: MembershipRole
    max_uses: int
    expires_at: str


class BrowserLink(TypedDict):
    id: str
    url: str
    token: str
    expires_at: str


class DeviceAuthorization(TypedDict):
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int


class DeviceLinkedUser(TypedDict):
    id: str
    subject: str
    email: Optional[str]
    role: MembershipRole


class DeviceLinked(TypedDict):
    status: Literal["linked"]
    tenant: TenantSummary
    user: DeviceLinkedUser


class DeviceTokenError(TypedDict):
    """RFC 8628 §3.5: a poll that is not (yet) linked."""

    error: Literal["authorization_pending", "slow_down", "access_denied", "expired_token", "invalid_grant", "invalid_request"]
    error_description: str


# Admin Intelligence


class AdminTenant(TenantSummary):
    admin_email: str
    source: Literal["machine", "oauth"]
    status_reason: Optional[str]
    created_at: str
    activated_at: Optional[str]


class TenantMember(TypedDict):
    user_id: str
    subject: str
    email: Optional[str]
    role: MembershipRole
    joined_at: str


class TenantKeyCounts(TypedDict):
    total: int
    active: int


class TenantUsage(TypedDict):
    window_days: int
    requests: int
    errors: int
    prompt_tokens: int
    completion_tokens: int


# ``from`` is a keyword, hence the functional form.
StatusChange = TypedDict(
    "StatusChange",
    {"from": Optional[TenantStatus], "to": TenantStatus, "reason": Optional[str], "actor": Optional[str], "at": str},
)


class AdminTenantDetail(AdminTenant):
    members: List[TenantMember]
    api_keys: TenantKeyCounts
    usage: TenantUsage
    status_history: List[StatusChange]


TenantTransition = TypedDict(
    "TenantTransition",
    {"action": str, "id": str, "from": TenantStatus, "to": TenantStatus, "reason": Optional[str], "events": List[str]},
)


class TenantTransitionResult(TypedDict):
    """A status change that was made (without ``dry_run``)."""

    dry_run: Literal[False]
    executed: TenantTransition
    tenant: AdminTenant


class InviteCode(TypedDict):
    id: str
    code: str
    status: Literal["active", "expired", "used_up", "revoked"]
    max_uses: Optional[int]
    used_count: int
    uses_left: Optional[int]  # None: unlimited
    expires_at: Optional[str]
    note: Optional[str]
    created_by: Optional[str]
    created_at: str
    revoked_at: Optional[str]


class DigestTenantsByStatus(TypedDict, total=False):
    pending: int
    active: int
    rejected: int
    suspended: int


class DigestTenants(TypedDict):
    by_status: DigestTenantsByStatus
    total: int


class DigestPendingTenant(TypedDict):
    id: str
    slug: str
    name: str
    created_at: str
    age_hours: float


class DigestTopTenant(TypedDict):
    id: str
    slug: str
    name: str
    requests: int
    tokens: int


class DigestUsage(TypedDict):
    requests: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    top_tenants: List[DigestTopTenant]


class DigestNotifications(TypedDict):
    delivered: int
    pending: int
    failed: int
    failed_by_subscriber: Dict[str, int]


class DigestProposals(TypedDict):
    open: int
    oldest_open_hours: Optional[float]  # None: nothing open
    executed: int  # in the window, like declined and expired
    declined: int
    expired: int


class DigestUnpriced(TypedDict):
    requests: int  # requests in the window to models without a price (counted as 0 USD)
    models: List[str]


BudgetPeriodName = Literal["daily", "monthly", "lifetime"]


class DigestTenantOverBudget(TypedDict):
    tenant_id: str
    slug: str
    budget_usd: float
    budget_period: BudgetPeriodName
    spend_usd: float


class DigestKeyOverBudget(TypedDict):
    key_id: str
    tenant_id: str
    name: str
    budget_usd: float
    budget_period: BudgetPeriodName
    spend_usd: float


class DigestBudgets(TypedDict):
    """Scopes whose spend in their current period (UTC) has reached their budget; at most 50 of each."""

    tenants_over: List[DigestTenantOverBudget]
    keys_over: List[DigestKeyOverBudget]


class AdminDigest(TypedDict):
    window: Literal["24h", "7d", "30d"]
    since: str
    generated_at: str
    tenants: DigestTenants
    signups: int
    approvals: int
    rejections: int
    suspensions: int
    oldest_pending: Optional[DigestPendingTenant]
    active_keys: int
    usage: DigestUsage
    unpriced: DigestUnpriced
    budgets: DigestBudgets
    invite_redemptions: int
    notifications: DigestNotifications
    failed_notifications: int
    proposals: DigestProposals
    highlights: List[str]  # short sentences an agent can relay, most urgent first


# Proposals (agents propose, humans approve)

ProposalStatus = Literal["open", "executed", "declined", "expired", "stale"]
ProposalAction = Literal["approve_tenant", "reject_tenant", "suspend_tenant", "create_invite_code", "delete_invite_code"]


class Proposal(TypedDict):
    """An admin action an agent proposed for a human to approve (DESIGN.md §8)."""

    id: str
    status: ProposalStatus
    action: ProposalAction
    target_id: Optional[str]  # the tenant or invite code; None for create_invite_code
    params: Dict[str, Any]
    rationale: str
    summary: str  # the would-execute in one line, for the human deciding
    would_execute: DryRunAction  # the dry run's, when proposed
    proposed_by: ActorRef
    created_at: str
    expires_at: str
    decided_by: Optional[ActorRef]
    decided_at: Optional[str]
    decision_reason: Optional[str]
    result: Optional[Dict[str, Any]]  # what the execution returned


# The audit trail (DESIGN.md §9)


class AuditEventTarget(TypedDict):
    type: str
    id: Optional[str]


class AuditEvent(TypedDict):
    """One mutation: ``action`` is ``resource.verb`` (``api_key.created``, ``tenant.approved``, …)."""

    id: str
    at: str
    tenant_id: Optional[str]  # None: a platform-only action (invite codes)
    action: str
    actor: ActorRef
    via: Literal["api", "dashboard", "mcp", "slack", "system"]
    target: AuditEventTarget
    changes: Optional[Dict[str, List[Any]]]  # field: [before, after]
    request_id: Optional[str]
    proposal_id: Optional[str]  # set when the mutation executed a proposal


# The dashboard's routes (an access token)


class Identity(TypedDict):
    subject: str
    email: Optional[str]
    email_verified: bool


class CurrentMembership(TenantSummary):
    role: MembershipRole


class Me(TypedDict):
    identity: Identity
    is_platform_admin: bool
    tenant: Optional[CurrentMembership]
    memberships: List[Membership]
    claimable: List[TenantSummary]


class ProvisionResponse(TypedDict):
    created: bool
    tenant: TenantSummary
    role: MembershipRole
    memberships: List[Membership]
    claimable: List[TenantSummary]


class ClaimedMembership(TypedDict):
    id: str
    role: MembershipRole
    user_id: str
    joined_at: str


class ClaimResult(TypedDict):
    tenant: TenantSummary
    membership: ClaimedMembership


class ClaimPreview(TypedDict):
    tenant: TenantSummary
    role: MembershipRole
    expires_at: str
    uses_left: int
    already_member: bool


class DeviceLookup(TypedDict):
    tenant: TenantSummary
    role: MembershipRole
    expires_at: str


class DeviceConfirmation(TypedDict):
    status: Literal["linked", "denied"]
    tenant: TenantSummary
    role: Optional[MembershipRole]  # None when denied


class ApiKey(TypedDict):
    id: str
    name: str
    prefix: str
    role: KeyRole
    user_id: Optional[str]
    created_at: str
    last_used_at: Optional[str]
    expires_at: Optional[str]
    revoked_at: Optional[str]
    platform_role: Optional[PlatformRole]  # minted with platform_admin / platform_proposer; None: a plain tenant key
    rotated_at: Optional[str]  # last rotation; None: never rotated
    previous_secret_expires_at: Optional[str]  # when the secret the last rotation replaced stops working (then 401 api_key_rotated)
    user_email: Optional[str]  # the human the key belongs to; None for agents' keys
    created_by_key_id: Optional[str]  # the key that created this one (headless management); None: a human or registration
    rate_limit_rpm: Optional[int]  # requests per minute; None: the tenant's limit only
    budget_usd: Optional[float]  # USD per budget_period; None: no budget of its own
    budget_period: Optional[BudgetPeriodName]
    allowed_models: Optional[List[str]]  # globs (``gpt-4o*``, ``openai/*``); None: every model the tenant allows
    spend_usd: Optional[float]  # spend in the current period; None: no budget
    budget_resets_at: Optional[str]  # when the period ends (UTC); None: lifetime or no budget


class CreatedApiKey(ApiKey):
    key: str  # br_live_…, shown this once


class TenantSettings(TypedDict):
    """Defaults and ceilings for every key (DESIGN.md §10): a key narrows them, never widens them."""

    rate_limit_rpm: Optional[int]  # each key's default and ceiling, requests per minute
    budget_usd: Optional[float]  # the tenant's budget over every key's spend, USD per budget_period
    budget_period: Optional[BudgetPeriodName]
    allowed_models: Optional[List[str]]  # globs of the models any key may use; a key's own list narrows it
    max_key_lifetime_days: Optional[int]  # new keys expire within this many days (their default expiry)
    spend_usd: Optional[float]  # the tenant's spend in the current period; None: no budget
    budget_resets_at: Optional[str]  # when the period ends (UTC); None: lifetime or no budget


class Member(TypedDict):
    id: str
    user_id: str
    subject: str
    email: Optional[str]
    role: MembershipRole
    joined_at: str


class DeletedMember(TypedDict):
    id: str
    deleted: Literal[True]


class ClaimLinkSummary(TypedDict):
    id: str
    kind: Literal["registration", "link", "invite"]
    role: MembershipRole
    max_uses: int
    used_count: int
    uses_left: int
    state: Literal["active", "expired", "revoked", "used_up"]
    expires_at: str
    revoked_at: Optional[str]
    created_at: str
    created_by: Optional[str]
    created_by_email: Optional[str]


class UsageTotals(TypedDict):
    requests: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float  # USD, rounded to micro-dollars; models without a price count 0
    errors: int  # requests answered with a status of 400 or more


class UsageDay(UsageTotals):
    day: str  # YYYY-MM-DD (UTC)


class UsageByKey(UsageTotals):
    key_id: Optional[str]  # None: requests made without an API key
    key_name: Optional[str]


class UsageByModel(UsageTotals):
    model: str


class Usage(TypedDict):
    """``group_by="day"``: every day of the range, oldest first, zeros included; ``key``/``model``: by cost, paged."""

    data: List[Union[UsageDay, UsageByKey, UsageByModel]]
    totals: UsageTotals
    next_cursor: Optional[str]  # the next page of keys or models; always None for days


# Data plane (OpenAI-compatible; the server may add fields the schema leaves open)


class ChatCompletionToolCallFunction(TypedDict):
    name: str
    arguments: str  # JSON text


class ChatCompletionToolCall(TypedDict):
    id: str
    type: str
    function: ChatCompletionToolCallFunction


class _ChatCompletionMessageRequired(TypedDict):
    role: str
    content: Optional[str]


class ChatCompletionMessage(_ChatCompletionMessageRequired, total=False):
    tool_calls: List[ChatCompletionToolCall]


class ChatCompletionChoice(TypedDict):
    index: int
    message: ChatCompletionMessage
    finish_reason: Optional[str]


class CompletionUsage(TypedDict):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class _ChatCompletionRequired(TypedDict):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    system_fingerprint: Optional[str]  # the upstream's, or None when it sent none
    choices: List[ChatCompletionChoice]


class ChatCompletion(_ChatCompletionRequired, total=False):
    usage: CompletionUsage


class Model(TypedDict):
    id: str
    object: Literal["model"]
    created: int
    owned_by: str


class ModelList(TypedDict):
    object: Literal["list"]
    data: List[Model]


class Embedding(TypedDict):
    object: Literal["embedding"]
    index: int
    embedding: Union[List[float], str]  # a str (little-endian float32 bytes) with encoding_format="base64"


class EmbeddingUsage(TypedDict):
    prompt_tokens: int
    total_tokens: int


class EmbeddingList(TypedDict):
    object: Literal["list"]
    data: List[Embedding]
    model: str
    usage: EmbeddingUsage
