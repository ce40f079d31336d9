"""Retries, errors, pages and the device-flow schedule against fake HTTP servers on 127.0.0.1."""
import asyncio
import json
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, List, Tuple

from brainstormrouter import (
    APIConnectionTimeoutError,
    AsyncBrainstormRouter,
    BrainstormRouter,
    ConflictError,
    DeviceFlowError,
    InternalServerError,
    RateLimitError,
)

TENANT = {"tenant": {"id": "t", "slug": "s", "name": "n", "status": "active"}, "key": {"id": "k", "prefix": "p", "role": "admin"}}
Reply = Tuple[int, object, dict]


def envelope(type_: str, code: str, recovery: dict = None) -> dict:
    error = {"message": code, "type": type_, "code": code}
    if recovery:
        error["recovery"] = recovery
    return {"error": error}


class FakeServer:
    """Answers each request with ``script(hit, path)``; ``None`` means never answer (a hang)."""

    def __init__(self, script: Callable[[int, str], Reply]) -> None:
        self.hits: List[str] = []
        self.headers: List[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                fake.hits.append(self.path)
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                reply = script(len(fake.hits) - 1, self.path)
                if reply is None:
                    time.sleep(1.0)
                    return
                status, body, headers = reply
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.send_header("x-br-request-id", f"req-{status}")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class OfflineTest(unittest.TestCase):
    def fake(self, script: Callable[[int, str], Reply]) -> FakeServer:
        server = FakeServer(script)
        self.addCleanup(server.close)
        return server

    def test_retries_503_then_succeeds_sync_and_async(self) -> None:
        for flavour in ("sync", "async"):
            fake = self.fake(lambda hit, _p: (503, envelope("api_error", "unavailable"), {"retry-after": "0"}) if hit < 2 else (200, TENANT, {}))
            if flavour == "sync":
                result = BrainstormRouter(api_key="br_live_x", base_url=fake.url).tenant.retrieve()
            else:
                result = asyncio.run(AsyncBrainstormRouter(api_key="br_live_x", base_url=fake.url).tenant.retrieve())
            self.assertEqual(result, TENANT)
            self.assertEqual(len(fake.hits), 3, flavour)

    def test_gives_up_after_max_retries_with_typed_error(self) -> None:
        fake = self.fake(lambda _h, _p: (503, envelope("api_error", "unavailable"), {"retry-after": "0"}))
        with self.assertRaises(InternalServerError) as caught:
            BrainstormRouter(api_key="br_live_x", base_url=fake.url, max_retries=1).tenant.retrieve()
        self.assertEqual((caught.exception.status, caught.exception.code, caught.exception.request_id), (503, "unavailable", "req-503"))
        self.assertEqual(len(fake.hits), 2)

    def test_honours_retry_after_on_429(self) -> None:
        fake = self.fake(lambda hit, _p: (429, envelope("rate_limit_error", "rate_limited"), {"retry-after": "1"}) if hit == 0 else (200, TENANT, {}))
        started = time.monotonic()
        BrainstormRouter(api_key="br_live_x", base_url=fake.url).tenant.retrieve()
        self.assertGreaterEqual(time.monotonic() - started, 0.95)

    def test_429_without_retries_is_rate_limit_error(self) -> None:
        fake = self.fake(lambda _h, _p: (429, envelope("rate_limit_error", "rate_limited", {"action": "wait"}), {"retry-after": "30"}))
        with self.assertRaises(RateLimitError) as caught:
            BrainstormRouter(api_key="br_live_x", base_url=fake.url, max_retries=0).tenant.retrieve()
        self.assertEqual(caught.exception.recovery, {"action": "wait"})

    def test_409_retried_only_when_the_server_says_transient(self) -> None:
        permanent = self.fake(lambda _h, _p: (409, envelope("conflict_error", "invalid_transition"), {}))
        with self.assertRaises(ConflictError):
            BrainstormRouter(api_key="br_live_x", base_url=permanent.url).tenant.retrieve()
        self.assertEqual(len(permanent.hits), 1)
        transient = self.fake(lambda hit, _p: (409, envelope("conflict_error", "busy", {"action": "retry"}), {"retry-after": "0"}) if hit == 0 else (200, TENANT, {}))
        self.assertEqual(BrainstormRouter(api_key="br_live_x", base_url=transient.url).tenant.retrieve(), TENANT)

    def test_timeout_is_retried_then_raised(self) -> None:
        fake = self.fake(lambda _h, _p: None)
        with self.assertRaises(APIConnectionTimeoutError):
            BrainstormRouter(api_key="br_live_x", base_url=fake.url, timeout=0.2, max_retries=1).tenant.retrieve()
        self.assertEqual(len(fake.hits), 2)

    def test_pages_iterate_sync_and_async_and_paths_are_encoded(self) -> None:
        pages = {"": ([1, 2], "c2"), "c2": ([3], None)}

        def script(_hit: int, path: str) -> Reply:
            cursor = path.split("cursor=")[1] if "cursor=" in path else ""
            data, nxt = pages.get(cursor, ([], None))
            return 200, {"data": data, "next_cursor": nxt}, {}

        fake = self.fake(script)
        client = BrainstormRouter(api_key="br_live_x", base_url=fake.url)
        self.assertEqual(list(client.admin.list_tenants(limit=2)), [1, 2, 3])

        async def collect() -> list:
            aclient = AsyncBrainstormRouter(api_key="br_live_x", base_url=fake.url)
            first = await aclient.admin.list_invite_codes()
            self.assertTrue(first.has_next_page())
            return [i async for i in aclient.admin.list_tenants()]

        self.assertEqual(asyncio.run(collect()), [1, 2, 3])
        client.admin.get_tenant("a/b?c")
        self.assertEqual(fake.hits[-1], "/v1/admin/tenants/a%2Fb%3Fc")

    def test_tenant_header_goes_with_the_access_token(self) -> None:
        fake = self.fake(lambda _h, _p: (200, {"data": [], "next_cursor": None}, {}))
        BrainstormRouter(access_token="jwt", tenant_id="tenant-1", base_url=fake.url).auth.members.list()
        self.assertEqual(fake.headers[-1]["authorization"], "Bearer jwt")
        self.assertEqual(fake.headers[-1]["x-br-tenant-id"], "tenant-1")

    def test_wait_for_device_link_honours_interval_and_slow_down(self) -> None:
        answers = [
            (400, {"error": "authorization_pending", "error_description": "waiting"}, {}),
            (400, {"error": "slow_down", "error_description": "slow"}, {}),
            (200, {"status": "linked", "tenant": TENANT["tenant"], "user": {"id": "u"}}, {}),
        ]
        for flavour in ("sync", "async"):
            fake = self.fake(lambda hit, _p: answers[hit])
            waits: List[float] = []
            authorization = {"device_code": "dc", "interval": 2, "expires_in": 900}
            if flavour == "sync":
                client = BrainstormRouter(api_key="br_live_x", base_url=fake.url)
                linked = client.identity_bridge.wait_for_device_link(authorization, sleep=waits.append)
            else:

                async def record(seconds: float) -> None:
                    waits.append(seconds)

                aclient = AsyncBrainstormRouter(api_key="br_live_x", base_url=fake.url)
                linked = asyncio.run(aclient.identity_bridge.wait_for_device_link(authorization, sleep=record))
            self.assertEqual(linked["status"], "linked")
            self.assertEqual(waits, [2, 2, 7], flavour)

    def test_denied_device_flow_raises(self) -> None:
        fake = self.fake(lambda _h, _p: (400, {"error": "access_denied"}, {}))
        client = BrainstormRouter(api_key="br_live_x", base_url=fake.url)
        with self.assertRaises(DeviceFlowError) as caught:
            client.identity_bridge.wait_for_device_link({"device_code": "dc", "interval": 1, "expires_in": 900}, sleep=lambda _s: None)
        self.assertEqual(caught.exception.error, "access_denied")

    def test_stream_stops_at_done_sync_and_async(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                self.wfile.write(b'data: {"n":1}\n\n: comment\n\ndata: {"n":2}\r\n\r\ndata: [DONE]\n\ndata: {"n":3}\n\n')

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        sync = BrainstormRouter(api_key="br_live_x", base_url=url).chat.completions.create(model="m", messages=[], stream=True)
        self.assertEqual(list(sync), [{"n": 1}, {"n": 2}])

        async def collect() -> list:
            stream = await AsyncBrainstormRouter(api_key="br_live_x", base_url=url).chat.completions.create(model="m", messages=[], stream=True)
            return [c async for c in stream]

        self.assertEqual(asyncio.run(collect()), [{"n": 1}, {"n": 2}])

    def test_env_fallbacks(self) -> None:
        import os

        fake = self.fake(lambda _h, _p: (200, TENANT, {}))
        os.environ.update(BRAINSTORMROUTER_API_KEY="br_live_env", BRAINSTORMROUTER_BASE_URL=fake.url)
        try:
            BrainstormRouter().tenant.retrieve()
        finally:
            del os.environ["BRAINSTORMROUTER_API_KEY"], os.environ["BRAINSTORMROUTER_BASE_URL"]
        self.assertEqual(fake.headers[-1]["authorization"], "Bearer br_live_env")


if __name__ == "__main__":
    unittest.main()
