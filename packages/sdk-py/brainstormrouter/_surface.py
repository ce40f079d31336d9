"""``python3 -m brainstormrouter._surface``: for the lockstep test, every method of both clients and the
route it calls, as JSON: ``{"sync": {"admin.get_tenant": ["GET", "/v1/admin/tenants/lockstep-id"]}, "async": {...}}``.

Each method is called once with ``"lockstep-id"`` for its positional parameters and ``"x"`` for its
required keyword-only ones, over a transport that records the request instead of sending it.
"""
import asyncio
import inspect
import json
from typing import Any, Dict, List, Optional

from ._client import AsyncBrainstormRouter, BrainstormRouter, _BaseClient
from ._transport import ApiRequest, BaseTransport, Settings
from .resources._base import Resource

PROBE_ID = "lockstep-id"
SKIP = {"base_url", "with_options", "close"}
EMPTY_PAGE = {"data": [], "next_cursor": None}


class _Recorder(BaseTransport):
    last: Optional[List[str]] = None

    def request(self, req: ApiRequest) -> Any:
        self.last = [req.method, req.path]
        return EMPTY_PAGE


class _AsyncRecorder(_Recorder):
    async def request(self, req: ApiRequest) -> Any:  # type: ignore[override]
        return super().request(req)


def _methods(node: Any, prefix: str = "") -> Dict[str, Any]:
    found: Dict[str, Any] = {}
    for name in dir(node):
        if name.startswith("_") or name in SKIP:
            continue
        value = getattr(node, name)
        if isinstance(value, Resource):
            found.update(_methods(value, f"{prefix}{name}."))
        elif callable(value):
            found[prefix + name] = value
    return found


def _probe(method: Any, recorder: _Recorder, is_async: bool) -> Optional[List[str]]:
    args, kwargs = [], {}
    for p in inspect.signature(method).parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty:
            args.append(PROBE_ID)
        elif p.kind == p.KEYWORD_ONLY and p.default is p.empty:
            kwargs[p.name] = "x"
    recorder.last = None
    try:
        result = method(*args, **kwargs)
        # An async client's method that cannot be awaited is as good as missing.
        if is_async != (inspect.isawaitable(result) or hasattr(result, "__aiter__")):
            return None
        if inspect.isawaitable(result):
            asyncio.run(_await(result))
    except Exception:  # helpers that are not one request (wait_for_device_link) record nothing
        return None
    return recorder.last


async def _await(value: Any) -> Any:
    return await value


def surface(client_class: type, recorder_class: type, is_async: bool) -> Dict[str, Optional[List[str]]]:
    recorder = recorder_class(Settings("http://surface.invalid", "k", "t", None, 0, 1.0))
    client: _BaseClient = client_class(_transport=recorder)
    return {path: _probe(method, recorder, is_async) for path, method in sorted(_methods(client).items())}


if __name__ == "__main__":
    print(json.dumps({"sync": surface(BrainstormRouter, _Recorder, False), "async": surface(AsyncBrainstormRouter, _AsyncRecorder, True)}))
