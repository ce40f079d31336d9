"""Headless key management and rotation, sync and async, against a live server (DESIGN.md §10)."""
import unittest

from brainstormrouter import AsyncBrainstormRouter, AuthenticationError, BrainstormRouter, NotFoundError, PermissionDeniedError

from .support import ADMIN_KEY, BASE_URL, human_token, live, registration, unique

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@live
class SyncApiKeysTest(unittest.TestCase):
    def setUp(self) -> None:
        self.anonymous = BrainstormRouter(base_url=BASE_URL, max_retries=0)
        admin = self.anonymous.with_options(api_key=ADMIN_KEY)
        invite = admin.admin.create_invite_code(max_uses=1, note="py keys")["code"]
        self.reg = self.anonymous.register(**registration(invite_code=invite))
        self.agent = self.anonymous.with_options(api_key=self.reg["api_key"]["key"])

    def test_headless_create_update_rotate_revoke(self) -> None:
        made = self.agent.tenant.create_api_key(name="worker", expires_in_days=30)
        self.assertEqual((made["role"], made["rotated_at"]), ("developer", None))
        ids = [k["id"] for k in self.agent.tenant.list_api_keys(limit=1)]
        self.assertEqual(ids, [self.reg["api_key"]["id"], made["id"]])
        self.assertIsNotNone(made["expires_at"])
        self.assertIsNone(self.agent.tenant.update_api_key(made["id"], name="worker-2", expires_at=None)["expires_at"])

        rotated = self.agent.tenant.rotate_api_key(made["id"], grace_seconds=0)
        self.assertEqual(rotated["id"], made["id"])
        with self.assertRaises(AuthenticationError) as old:
            self.anonymous.with_options(api_key=made["key"]).tenant.retrieve()
        self.assertEqual(old.exception.code, "api_key_rotated")
        worker = self.anonymous.with_options(api_key=rotated["key"])
        self.assertEqual(worker.tenant.retrieve()["key"]["id"], made["id"])

        with self.assertRaises(PermissionDeniedError) as denied:
            worker.tenant.create_api_key(name="escalate", role="admin")
        self.assertEqual(denied.exception.code, "insufficient_role")
        self.assertIsNotNone(self.agent.tenant.revoke_api_key(made["id"])["revoked_at"])
        with self.assertRaises(AuthenticationError):
            worker.tenant.retrieve()
        with self.assertRaises(NotFoundError):
            self.agent.tenant.rotate_api_key(UNKNOWN_ID)

    def test_dashboard_update_and_rotate(self) -> None:
        owner = self.anonymous.with_options(access_token=human_token(f"{unique('keys')}@py.test"))
        owner.auth.claim(token=self.reg["claim"]["token"])
        made = owner.auth.api_keys.create(name="ci")
        self.assertEqual(owner.auth.api_keys.update(made["id"], name="ci-2")["name"], "ci-2")
        rotated = owner.auth.api_keys.rotate(made["id"], grace_seconds=60)
        self.assertIsNotNone(rotated["previous_secret_expires_at"])
        # Within the grace both secrets work.
        for key in (made["key"], rotated["key"]):
            self.assertEqual(self.anonymous.with_options(api_key=key).tenant.retrieve()["key"]["id"], made["id"])


@live
class AsyncApiKeysTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.anonymous = AsyncBrainstormRouter(base_url=BASE_URL, max_retries=0)
        admin = self.anonymous.with_options(api_key=ADMIN_KEY)
        invite = (await admin.admin.create_invite_code(max_uses=1))["code"]
        self.reg = await self.anonymous.register(**registration(invite_code=invite))
        self.agent = self.anonymous.with_options(api_key=self.reg["api_key"]["key"])

    async def test_headless_create_update_rotate_revoke(self) -> None:
        made = await self.agent.tenant.create_api_key(name="async-worker", role="admin")
        self.assertEqual(made["role"], "admin")
        ids = [k["id"] async for k in self.agent.tenant.list_api_keys()]
        self.assertIn(made["id"], ids)
        self.assertEqual((await self.agent.tenant.update_api_key(made["id"], name="renamed"))["name"], "renamed")
        rotated = await self.agent.tenant.rotate_api_key(made["id"])
        self.assertIsNotNone(rotated["previous_secret_expires_at"])
        self.assertEqual((await self.anonymous.with_options(api_key=made["key"]).tenant.retrieve())["key"]["id"], made["id"])
        self.assertIsNotNone((await self.agent.tenant.revoke_api_key(made["id"]))["revoked_at"])

    async def test_dashboard_update_and_rotate(self) -> None:
        owner = self.anonymous.with_options(access_token=human_token(f"{unique('akeys')}@py.test"))
        await owner.auth.claim(token=self.reg["claim"]["token"])
        made = await owner.auth.api_keys.create(name="ci")
        self.assertEqual((await owner.auth.api_keys.update(made["id"], name="ci-2"))["name"], "ci-2")
        rotated = await owner.auth.api_keys.rotate(made["id"], grace_seconds=0)
        with self.assertRaises(AuthenticationError) as old:
            await self.anonymous.with_options(api_key=made["key"]).tenant.retrieve()
        self.assertEqual(old.exception.code, "api_key_rotated")
        self.assertEqual((await self.anonymous.with_options(api_key=rotated["key"]).tenant.retrieve())["key"]["id"], made["id"])
