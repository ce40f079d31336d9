import os
from typing import Any, Mapping, Optional, TypeVar

from ._pagination import AsyncPaginator, SyncCursorPage
from ._transport import ApiRequest, AsyncTransport, BaseTransport, Settings, SyncTransport
from .resources._base import compact
from .resources.admin import Admin, AsyncAdmin
from .resources.auth import AsyncAuth, Auth
from .resources.chat import AsyncChat, Chat
from .resources.embeddings import AsyncEmbeddings, Embeddings
from .resources.identity_bridge import AsyncIdentityBridge, IdentityBridge
from .resources.models import AsyncModels, Models
from .resources.tenant import AsyncTenant, Tenant
from .types import RegisterResponse

DEFAULT_BASE_URL = "http://localhost:8787"
Client = TypeVar("Client", bound="_BaseClient")


class _BaseClient:
    _transport: Any

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        access_token: Optional[str] = None,
        tenant_id: Optional[str] = None,
        max_retries: int = 2,
        timeout: float = 60.0,
        default_headers: Optional[Mapping[str, str]] = None,
        _transport: Optional[BaseTransport] = None,
    ) -> None:
        """``api_key`` defaults to BRAINSTORMROUTER_API_KEY, ``base_url`` to BRAINSTORMROUTER_BASE_URL.

        ``access_token`` is a human's OIDC token for the ``auth`` routes; ``tenant_id`` is sent with
        it as X-BR-Tenant-Id. ``max_retries`` covers 408/429/5xx (and 409s the server calls
        transient) and connection failures; ``timeout`` is seconds per attempt.
        """
        self._transport = _transport or self._transport_class(
            Settings(
                base_url=base_url or os.environ.get("BRAINSTORMROUTER_BASE_URL") or DEFAULT_BASE_URL,
                api_key=api_key or os.environ.get("BRAINSTORMROUTER_API_KEY") or None,
                access_token=access_token,
                tenant_id=tenant_id,
                max_retries=max_retries,
                timeout=timeout,
                default_headers=dict(default_headers or {}),
            )
        )
        self._attach_resources()

    _transport_class: type = SyncTransport

    def _attach_resources(self) -> None:
        """Each client attaches its own twins (sync or async) of every resource."""
        raise NotImplementedError

    def _paginate(self, path: str, credential: str, query: Mapping[str, Any], cursor: Optional[str]) -> Any:
        """The first page of a list (sync) or a paginator (async)."""
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        """Where requests go (``base_url``, else BRAINSTORMROUTER_BASE_URL, else localhost:8787)."""
        return self._transport.settings.base_url

    def with_options(self: Client, **changes: Any) -> Client:
        """A client like this one with some settings replaced, e.g. the key a registration returned.

        Takes the constructor's settings by name (``api_key``, ``access_token``, ``tenant_id``, …).
        """
        return type(self)(_transport=self._transport.with_settings(**changes))

    def register(
        self,
        *,
        tenant_name: str,
        admin_email: str,
        accept_tos: bool,
        invite_code: Optional[str] = None,
        tenant_slug: Optional[str] = None,
        key_name: Optional[str] = None,
    ) -> RegisterResponse:
        """Registers a tenant; needs no credential. ``api_key.key`` is shown this once.

        Status ``pending`` means the beta gate holds the tenant until a platform admin approves it.
        A bad, expired or used-up ``invite_code`` raises BadRequestError and creates nothing; a
        taken ``tenant_slug`` raises ConflictError.
        """
        body = compact(
            tenant_name=tenant_name,
            admin_email=admin_email,
            accept_tos=accept_tos,
            invite_code=invite_code,
            tenant_slug=tenant_slug,
            key_name=key_name,
        )
        return self._transport.request(ApiRequest("POST", "/v1/register", "none", body=body))


class BrainstormRouter(_BaseClient):
    """Synchronous client."""

    def _attach_resources(self) -> None:
        self.tenant = Tenant(self)
        self.admin = Admin(self)
        self.identity_bridge = IdentityBridge(self)
        self.auth = Auth(self)
        self.chat = Chat(self)
        self.models = Models(self)
        self.embeddings = Embeddings(self)

    def _paginate(self, path: str, credential: str, query: Mapping[str, Any], cursor: Optional[str]) -> SyncCursorPage:
        fetch = lambda c: self._transport.request(ApiRequest("GET", path, credential, query={**query, "cursor": c}))  # noqa: E731
        return SyncCursorPage(fetch, fetch(cursor))

    def close(self) -> None:
        """Nothing is pooled (urllib opens a connection per request); here for symmetry and ``with``."""

    def __enter__(self) -> "BrainstormRouter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncBrainstormRouter(_BaseClient):
    """Asynchronous client: the same methods, awaitable; list methods are also ``async for``-able."""

    _transport_class = AsyncTransport

    def _attach_resources(self) -> None:
        self.tenant = AsyncTenant(self)
        self.admin = AsyncAdmin(self)
        self.identity_bridge = AsyncIdentityBridge(self)
        self.auth = AsyncAuth(self)
        self.chat = AsyncChat(self)
        self.models = AsyncModels(self)
        self.embeddings = AsyncEmbeddings(self)

    async def register(  # type: ignore[override]
        self,
        *,
        tenant_name: str,
        admin_email: str,
        accept_tos: bool,
        invite_code: Optional[str] = None,
        tenant_slug: Optional[str] = None,
        key_name: Optional[str] = None,
    ) -> RegisterResponse:
        return await super().register(  # type: ignore[misc]
            tenant_name=tenant_name,
            admin_email=admin_email,
            accept_tos=accept_tos,
            invite_code=invite_code,
            tenant_slug=tenant_slug,
            key_name=key_name,
        )

    def _paginate(self, path: str, credential: str, query: Mapping[str, Any], cursor: Optional[str]) -> AsyncPaginator:
        fetch = lambda c: self._transport.request(ApiRequest("GET", path, credential, query={**query, "cursor": c}))  # noqa: E731
        return AsyncPaginator(fetch, cursor)

    async def close(self) -> None:
        """Nothing is pooled; here for symmetry and ``async with``."""

    async def __aenter__(self) -> "AsyncBrainstormRouter":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
