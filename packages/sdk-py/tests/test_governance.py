"""Tenant settings and key limits, sync and async (DESIGN.md §10): the bodies sent offline, the rules live."""
import asyncio
import datetime
import unittest
from typing import Any, List

from brainstormrouter import AsyncBrainstormRouter, BadRequestError, BrainstormRouter, PermissionDeniedError
from brainstormrouter._transport import ApiRequest, BaseTransport, Settings

from .support import ADMIN_KEY, BASE_URL, human_token, live, registration, unique


def days_ahead(days: int) -> str:
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)).isoformat()


class _Recorder(BaseTransport):
    def __init__(self) -> None:
        super().__init__(Settings("http://governance.invalid", "k", "t", None, 0, 1.0))
        self.sent: List[ApiRequest] = []

    def request(self, req: ApiRequest) -> Any:
        self.sent.append(req)
        return {}


class _AsyncRecorder(_Recorder):
    async def request(self, req: ApiRequest) -> Any:  # type: ignore[override]
        return super().request(req)


class BodiesTest(unittest.TestCase):
    def test_none_clears_a_limit_and_an_omitted_one_is_not_sent(self) -> None:
        recorder = _Recorder()
        client = BrainstormRouter(_transport=recorder)
        client.tenant.update_settings(budget_usd=None, rate_limit_rpm=5)
        client.auth.tenant_settings.update(allowed_models=None)
        client.tenant.update_api_key("k1", allowed_models=None, budget_usd=2.5)
        client.auth.api_keys.update("k2", name="n", rate_limit_rpm=None)
        client.tenant.create_api_key(name="c", budget_usd=1, budget_period="daily", allowed_models=["gpt-4o*"], rate_limit_rpm=None)
        self.assertEqual(
            [(r.method, r.path, r.body) for r in recorder.sent],
            [
                ("PATCH", "/v1/tenant/settings", {"budget_usd": None, "rate_limit_rpm": 5}),
                ("PATCH", "/auth/tenant/settings", {"allowed_models": None}),
                ("PATCH", "/v1/tenant/api-keys/k1", {"allowed_models": None, "budget_usd": 2.5}),
                ("PATCH", "/auth/api-keys/k2", {"name": "n", "rate_limit_rpm": None}),
                ("POST", "/v1/tenant/api-keys", {"name": "c", "budget_usd": 1, "budget_period": "daily", "allowed_models": ["gpt-4o*"]}),
            ],
        )

    def test_async_twins_send_the_same_bodies(self) -> None:
        recorder = _AsyncRecorder()
        client = AsyncBrainstormRouter(_transport=recorder)

        async def run() -> None:
            await client.tenant.update_settings(max_key_lifetime_days=None)
            await client.auth.tenant_settings.update(budget_usd=3, budget_period="lifetime")
            await client.auth.api_keys.create(name="a", expires_at="2100-01-01T00:00:00Z", rate_limit_rpm=7)
            await client.tenant.update_api_key("k", budget_period="monthly")

        asyncio.run(run())
        self.assertEqual(
            [r.body for r in recorder.sent],
            [
                {"max_key_lifetime_days": None},
                {"budget_usd": 3, "budget_period": "lifetime"},
                {"name": "a", "expires_at": "2100-01-01T00:00:00Z", "rate_limit_rpm": 7},
                {"budget_period": "monthly"},
            ],
        )


@live
class SyncGovernanceTest(unittest.TestCase):
    def setUp(self) -> None:
        self.anonymous = BrainstormRouter(base_url=BASE_URL, max_retries=0)
        invite = self.anonymous.with_options(api_key=ADMIN_KEY).admin.create_invite_code(max_uses=1, note="py governance")["code"]
        self.reg = self.anonymous.register(**registration(invite_code=invite))
        self.agent = self.anonymous.with_options(api_key=self.reg["api_key"]["key"])

    def test_headless_settings_bound_the_keys_limits(self) -> None:
        fresh = self.agent.tenant.settings()
        self.assertEqual((fresh["budget_usd"], fresh["allowed_models"], fresh["spend_usd"]), (None, None, None))
        settings = self.agent.tenant.update_settings(rate_limit_rpm=100, budget_usd=50, allowed_models=["echo*"], max_key_lifetime_days=30)
        self.assertEqual((settings["budget_period"], settings["spend_usd"]), ("monthly", 0))
        self.assertIsNotNone(settings["budget_resets_at"])

        with self.assertRaises(BadRequestError) as too_fast:
            self.agent.tenant.create_api_key(name=unique("fast"), rate_limit_rpm=101)
        self.assertEqual(too_fast.exception.code, "exceeds_tenant_policy")
        with self.assertRaises(BadRequestError) as too_long:
            self.agent.tenant.create_api_key(name=unique("long"), expires_at=days_ahead(60))
        self.assertEqual(too_long.exception.code, "exceeds_tenant_policy")

        made = self.agent.tenant.create_api_key(name=unique("w"), rate_limit_rpm=10, budget_usd=5, budget_period="daily", allowed_models=["echo"])
        self.assertEqual((made["rate_limit_rpm"], made["budget_usd"], made["budget_period"], made["allowed_models"]), (10, 5, "daily", ["echo"]))
        self.assertIsNotNone(made["expires_at"])  # the tenant's key lifetime is the default expiry
        self.assertEqual(made["created_by_key_id"], self.reg["api_key"]["id"])

        # None clears; what is not passed stays.
        cleared = self.agent.tenant.update_api_key(made["id"], budget_usd=None)
        self.assertEqual((cleared["budget_usd"], cleared["budget_period"], cleared["rate_limit_rpm"]), (None, None, 10))
        self.assertIsNone(self.agent.tenant.update_api_key(made["id"], allowed_models=None)["allowed_models"])
        relaxed = self.agent.tenant.update_settings(rate_limit_rpm=None)
        self.assertEqual((relaxed["rate_limit_rpm"], relaxed["budget_usd"], relaxed["max_key_lifetime_days"]), (None, 50, 30))
        with self.assertRaises(BadRequestError):
            self.agent.tenant.update_settings(budget_usd=None, budget_period="daily")

        developer = self.anonymous.with_options(api_key=made["key"])
        with self.assertRaises(PermissionDeniedError) as denied:
            developer.tenant.update_settings(budget_usd=None)
        self.assertEqual(denied.exception.code, "insufficient_role")

    def test_dashboard_settings_members_read_owners_change(self) -> None:
        owner = self.anonymous.with_options(access_token=human_token(f"{unique('gov')}@py.test"))
        tenant_id = owner.auth.claim(token=self.reg["claim"]["token"])["tenant"]["id"]
        owner = owner.with_options(tenant_id=tenant_id)
        updated = owner.auth.tenant_settings.update(budget_usd=10, budget_period="lifetime")
        self.assertEqual((updated["budget_usd"], updated["budget_period"], updated["budget_resets_at"]), (10, "lifetime", None))
        self.assertEqual(self.agent.tenant.settings()["budget_usd"], 10)

        link = owner.auth.claim_links.create(role="member")
        member = self.anonymous.with_options(access_token=human_token(f"{unique('member')}@py.test"), tenant_id=tenant_id)
        member.auth.claim(token=link["token"])
        self.assertEqual(member.auth.tenant_settings.retrieve()["budget_period"], "lifetime")
        with self.assertRaises(PermissionDeniedError) as denied:
            member.auth.tenant_settings.update(budget_usd=None)
        self.assertEqual(denied.exception.code, "admin_required")

        made = owner.auth.api_keys.create(name="ci", budget_usd=1, allowed_models=["echo"], expires_at=days_ahead(3))
        self.assertEqual((made["budget_period"], made["spend_usd"]), ("monthly", 0))
        changed = owner.auth.api_keys.update(made["id"], rate_limit_rpm=5, expires_at=None)
        self.assertEqual((changed["rate_limit_rpm"], changed["expires_at"], changed["allowed_models"]), (5, None, ["echo"]))
        self.assertIsNotNone(changed["user_email"])


@live
class AsyncGovernanceTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.anonymous = AsyncBrainstormRouter(base_url=BASE_URL, max_retries=0)
        invite = (await self.anonymous.with_options(api_key=ADMIN_KEY).admin.create_invite_code(max_uses=1))["code"]
        self.reg = await self.anonymous.register(**registration(invite_code=invite))
        self.agent = self.anonymous.with_options(api_key=self.reg["api_key"]["key"])

    async def test_settings_and_key_limits(self) -> None:
        settings = await self.agent.tenant.update_settings(budget_usd=20, budget_period="daily", rate_limit_rpm=50)
        self.assertEqual((await self.agent.tenant.settings())["budget_period"], "daily")
        self.assertEqual(settings["rate_limit_rpm"], 50)
        made = await self.agent.tenant.create_api_key(name=unique("aw"), rate_limit_rpm=20, allowed_models=["echo*"])
        with self.assertRaises(BadRequestError) as denied:
            await self.agent.tenant.update_api_key(made["id"], rate_limit_rpm=51)
        self.assertEqual(denied.exception.code, "exceeds_tenant_policy")
        changed = await self.agent.tenant.update_api_key(made["id"], budget_usd=2, allowed_models=None)
        self.assertEqual((changed["budget_usd"], changed["budget_period"], changed["allowed_models"]), (2, "monthly", None))

        owner = self.anonymous.with_options(access_token=human_token(f"{unique('agov')}@py.test"))
        tenant_id = (await owner.auth.claim(token=self.reg["claim"]["token"]))["tenant"]["id"]
        owner = owner.with_options(tenant_id=tenant_id)
        cleared = await owner.auth.tenant_settings.update(rate_limit_rpm=None)
        self.assertEqual((cleared["rate_limit_rpm"], cleared["budget_usd"]), (None, 20))
        self.assertEqual((await owner.auth.tenant_settings.retrieve())["budget_period"], "daily")
        key = await owner.auth.api_keys.create(name="ci", rate_limit_rpm=500, budget_usd=1, budget_period="lifetime")
        self.assertEqual(((await owner.auth.api_keys.update(key["id"], budget_usd=None))["budget_period"]), None)


if __name__ == "__main__":
    unittest.main()
