"""``python3 -m brainstormrouter._shapes``: for the lockstep test, what every method of both clients is
annotated to return, as JSON: ``{"sync": {"admin.get_tenant": <shape>}, "async": {...}}``.

A shape is the JSON-level meaning of a type, in the form the test also derives from
``docs/openapi.yaml``:

* ``{"kind": "object", "fields": {name: {"required": bool, "shape": ...}}}`` — a ``TypedDict``
* ``{"kind": "array", "items": ...}``, ``{"kind": "map", "values": ...}`` — ``List``, ``Dict[str, …]``
* ``{"kind": "scalar", "type": "string" | "integer" | "number" | "boolean" | "null", "enum"?: [...]}``
* ``{"kind": "union", "of": [...]}`` — ``Union``/``Optional``; ``{"kind": "any"}``; ``{"kind": "stream"}``

A page (``SyncCursorPage[T]``, ``AsyncPaginator[T]``) is the list envelope of DESIGN.md §6,
``{"data": [T], "next_cursor": string | null}``. A method without a return annotation maps to null.
"""
import json
import typing
from typing import Any, Dict, List, Optional, Union, get_args, get_origin, get_type_hints

from ._client import AsyncBrainstormRouter, BrainstormRouter
from ._pagination import AsyncCursorPage, AsyncPaginator, SyncCursorPage
from ._streaming import AsyncStream, Stream
from ._surface import _methods
from ._transport import BaseTransport, Settings

Shape = Dict[str, Any]
SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
PAGES = (SyncCursorPage, AsyncCursorPage, AsyncPaginator)


def _scalar(value: Any) -> str:
    # bool before int: True is an int too.
    return "boolean" if isinstance(value, bool) else SCALARS[type(value)]


def _union(members: List[Shape]) -> Shape:
    flat: List[Shape] = []
    for m in members:
        for s in m["of"] if m["kind"] == "union" else [m]:
            if s not in flat:
                flat.append(s)
    return flat[0] if len(flat) == 1 else {"kind": "union", "of": flat}


def _field(required: bool, shape: Shape) -> Shape:
    return {"required": required, "shape": shape}


def _is_typeddict(tp: Any) -> bool:
    # typing.is_typeddict needs 3.10.
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


def shape_of(tp: Any) -> Shape:
    origin, args = get_origin(tp), get_args(tp)
    if tp is Any:
        return {"kind": "any"}
    if tp in SCALARS:
        return {"kind": "scalar", "type": SCALARS[tp]}
    if origin is typing.Literal:
        by_type: Dict[str, List[Any]] = {}
        for value in args:
            by_type.setdefault(_scalar(value), []).append(value)
        return _union([{"kind": "scalar", "type": t} if t == "null" else {"kind": "scalar", "type": t, "enum": v} for t, v in by_type.items()])
    if origin is Union:
        return _union([shape_of(a) for a in args])
    if origin in (list, List):
        return {"kind": "array", "items": shape_of(args[0]) if args else {"kind": "any"}}
    if origin in (dict, Dict):
        return {"kind": "map", "values": shape_of(args[1]) if args else {"kind": "any"}}
    if origin in PAGES or tp in PAGES:
        item = shape_of(args[0]) if args else {"kind": "any"}
        page = {"data": _field(True, {"kind": "array", "items": item}), "next_cursor": _field(True, shape_of(Optional[str]))}
        return {"kind": "object", "fields": page}
    if tp in (Stream, AsyncStream):
        return {"kind": "stream"}
    if _is_typeddict(tp):
        hints = get_type_hints(tp)
        return {"kind": "object", "fields": {k: _field(k in tp.__required_keys__, shape_of(v)) for k, v in hints.items()}}
    return {"kind": "unknown", "python": repr(tp)}


def return_shape(method: Any) -> Optional[Shape]:
    hints = get_type_hints(method)
    return shape_of(hints["return"]) if "return" in hints else None


def shapes(client_class: type) -> Dict[str, Optional[Shape]]:
    # A transport that is never used: attaching the resources sends nothing.
    client = client_class(_transport=BaseTransport(Settings("http://shapes.invalid", None, None, None, 0, 1.0)))
    return {path: return_shape(method) for path, method in sorted(_methods(client).items())}


if __name__ == "__main__":
    print(json.dumps({"sync": shapes(BrainstormRouter), "async": shapes(AsyncBrainstormRouter)}))
