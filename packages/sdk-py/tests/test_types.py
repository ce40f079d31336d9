"""Docstrings and the async twins' signatures, offline. That the types match docs/openapi.yaml is
checked by packages/server/test/lockstep/python-shapes.test.ts (the YAML needs a parser Python lacks)."""
import inspect
import unittest
from typing import Any, Callable, get_origin, get_type_hints

from brainstormrouter import AsyncBrainstormRouter, AsyncPaginator, BrainstormRouter, SyncCursorPage, types
from brainstormrouter._shapes import shape_of
from brainstormrouter._surface import _methods
from brainstormrouter._transport import BaseTransport, Settings


def client(cls: type):
    return cls(_transport=BaseTransport(Settings("http://types.invalid", None, None, None, 0, 1.0)))


SYNC, ASYNC = _methods(client(BrainstormRouter)), _methods(client(AsyncBrainstormRouter))


class TypesTest(unittest.TestCase):
    def test_every_public_method_has_a_docstring(self) -> None:
        for flavour, methods in (("sync", SYNC), ("async", ASYNC)):
            for name, method in methods.items():
                self.assertTrue(inspect.getdoc(method), f"{flavour} {name} has no docstring")
        for cls in (BrainstormRouter, AsyncBrainstormRouter, SyncCursorPage, AsyncPaginator):
            for name, member in inspect.getmembers(cls, callable):
                if not name.startswith("_"):
                    self.assertTrue(inspect.getdoc(member), f"{cls.__name__}.{name} has no docstring")

    def test_both_clients_have_the_same_methods(self) -> None:
        self.assertEqual(sorted(SYNC), sorted(ASYNC))

    def test_async_twins_take_what_the_sync_methods_take(self) -> None:
        # A parameter added to the sync method and not to its twin would be out of the async client's reach.
        def parameters(method: Callable[..., Any]) -> list:
            # ``sleep`` differs by design: time.sleep vs asyncio.sleep.
            return [(p.name, p.kind, p.default) for p in inspect.signature(method).parameters.values() if p.name != "sleep"]

        for name, method in SYNC.items():
            self.assertEqual(parameters(ASYNC[name]), parameters(method), name)

    def test_async_twins_are_awaitable_and_return_the_same_shapes(self) -> None:
        for name, method in ASYNC.items():
            returns = get_type_hints(method)["return"]
            if get_origin(returns) is AsyncPaginator:
                self.assertIs(get_origin(get_type_hints(SYNC[name])["return"]), SyncCursorPage, name)
            else:
                self.assertTrue(inspect.iscoroutinefunction(method), f"{name} is not async")
            self.assertEqual(shape_of(returns), shape_of(get_type_hints(SYNC[name])["return"]), name)

    def test_responses_stay_plain_dicts(self) -> None:
        tenant: types.TenantSummary = {"id": "t", "slug": "s", "name": "n", "status": "active"}
        self.assertIs(type(tenant), dict)
        self.assertEqual(types.DigestTenantsByStatus.__required_keys__, frozenset())
        self.assertIn("from", types.StatusChange.__required_keys__)


if __name__ == "__main__":
    unittest.main()
