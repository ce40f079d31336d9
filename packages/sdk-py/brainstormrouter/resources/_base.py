from typing import TYPE_CHECKING, Any, Mapping, Optional

from .._transport import ApiRequest

if TYPE_CHECKING:
    from .._client import _BaseClient


class Resource:
    """Thin: names the route and its credential; the client's transport does the rest.

    Each resource has an async twin that subclasses it: the route lives once, in the sync class, and
    on the async client the same call hands back the async transport's awaitable. The twin only
    restates each signature as ``async def`` (or an ``AsyncPaginator``) so that type checkers see
    what the async client returns; its docstrings are inherited (``help()``, ``inspect.getdoc``).
    """

    def __init__(self, client: "_BaseClient") -> None:
        self._client = client

    def _request(self, method: str, path: str, credential: str, *, query: Optional[Mapping[str, Any]] = None, body: Any = None, **extra: Any) -> Any:
        return self._client._transport.request(ApiRequest(method, path, credential, query=query, body=body, **extra))

    def _list(self, path: str, credential: str, query: Mapping[str, Any], cursor: Optional[str]) -> Any:
        return self._client._paginate(path, credential, query, cursor)


def compact(**values: Any) -> dict:
    """The keyword arguments that were given, as a JSON body or query."""
    return {k: v for k, v in values.items() if v is not None}


class _Omitted:
    def __repr__(self) -> str:
        return "OMITTED"


# The default of a field where None means something (``expires_at=None``: never expires).
OMITTED: Any = _Omitted()


def given(**values: Any) -> dict:
    """The keyword arguments that were passed, None included, as a JSON body."""
    return {k: v for k, v in values.items() if v is not OMITTED}


def dry_run_query(dry_run: bool) -> Optional[dict]:
    return {"dry_run": True} if dry_run else None
