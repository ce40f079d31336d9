"""Usage analytics, sync and async: the headless route and the dashboard's, against a live server (DESIGN.md §10)."""
import asyncio
import datetime
import time
import unittest

from brainstormrouter import AsyncBrainstormRouter, BadRequestError, BrainstormRouter, PermissionDeniedError

from .support import ADMIN_KEY, BASE_URL, human_token, live, registration, unique


def utc_day(days_ago: int = 0) -> str:
    return (datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=days_ago)).isoformat()


@live
class UsageTest(unittest.TestCase):
    def setUp(self) -> None:
        self.anonymous = BrainstormRouter(base_url=BASE_URL, max_retries=0)
        invite = self.anonymous.with_options(api_key=ADMIN_KEY).admin.create_invite_code(max_uses=1, note="py usage")["code"]
        self.reg = self.anonymous.register(**registration(invite_code=invite))
        self.agent = self.anonymous.with_options(api_key=self.reg["api_key"]["key"])
        for _ in range(2):
            self.agent.chat.completions.create(model="echo", messages=[{"role": "user", "content": "count me"}])
        # The meter writes in batches (BR_USAGE_FLUSH_MS): wait for this tenant's two requests.
        deadline = time.monotonic() + 10
        while self.agent.tenant.usage()["totals"]["requests"] < 2 and time.monotonic() < deadline:
            time.sleep(0.1)

    def test_headless_usage_by_day_key_and_model(self) -> None:
        days = self.agent.tenant.usage()
        self.assertEqual(len(days["data"]), 30)
        self.assertEqual(days["data"][-1]["day"], utc_day())
        self.assertEqual(days["totals"]["requests"], 2)
        self.assertIsNone(days["next_cursor"])
        one = self.agent.tenant.usage(from_=utc_day(), to=utc_day())
        self.assertEqual([d["day"] for d in one["data"]], [utc_day()])
        keys = self.agent.tenant.usage(group_by="key")
        self.assertEqual([(k["key_id"], k["requests"]) for k in keys["data"]], [(self.reg["api_key"]["id"], 2)])
        models = self.agent.tenant.usage(group_by="model", limit=1)
        self.assertEqual([m["model"] for m in models["data"]], ["echo"])
        with self.assertRaises(BadRequestError) as backwards:
            self.agent.tenant.usage(from_=utc_day(), to=utc_day(1))
        self.assertEqual(backwards.exception.code, "validation_failed")

    def test_dashboard_usage_and_developer_keys_refused(self) -> None:
        owner = self.anonymous.with_options(access_token=human_token(f"{unique('usage')}@py.test"))
        tenant_id = owner.auth.claim(token=self.reg["claim"]["token"])["tenant"]["id"]
        member = owner.with_options(tenant_id=tenant_id)
        self.assertEqual(member.auth.usage.retrieve(group_by="model")["data"][0]["model"], "echo")
        self.assertEqual(member.auth.usage.retrieve()["totals"], self.agent.tenant.usage()["totals"])
        developer = self.anonymous.with_options(api_key=self.agent.tenant.create_api_key(name=unique("dev"))["key"])
        with self.assertRaises(PermissionDeniedError) as denied:
            developer.tenant.usage()
        self.assertEqual(denied.exception.code, "insufficient_role")

    def test_async_twins(self) -> None:
        async def run() -> tuple:
            agent = AsyncBrainstormRouter(base_url=BASE_URL, api_key=self.reg["api_key"]["key"], max_retries=0)
            return (await agent.tenant.usage(group_by="key"))["totals"]["requests"], (await agent.tenant.usage(to=utc_day()))["data"][-1]["day"]

        self.assertEqual(asyncio.run(run()), (2, utc_day()))
