"""The sync and async clients against a live server (BR_TEST_BASE_URL, started by npm test)."""
import base64
import unittest

from brainstormrouter import (
    AsyncBrainstormRouter,
    AuthenticationError,
    BadRequestError,
    BrainstormRouter,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)

from .support import ADMIN_KEY, ADMIN_TOKEN, BASE_URL, human_token, live, no_wait, registration, unique

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@live
class SyncLiveTest(unittest.TestCase):
    def setUp(self) -> None:
        self.anonymous = BrainstormRouter(base_url=BASE_URL, max_retries=0)
        self.admin = self.anonymous.with_options(api_key=ADMIN_KEY)

    def tenant(self, pending: bool = False):
        invite = None if pending else self.admin.admin.create_invite_code(max_uses=1, note="py")["code"]
        reg = self.anonymous.register(**registration(**({"invite_code": invite} if invite else {})))
        return reg, self.anonymous.with_options(api_key=reg["api_key"]["key"])

    def test_register_and_read_the_tenant(self) -> None:
        reg, client = self.tenant()
        self.assertEqual(reg["tenant"]["status"], "active")
        self.assertIn("/dashboard/?claim=", reg["claim"]["url"])
        self.assertEqual(client.tenant.retrieve()["tenant"]["id"], reg["tenant"]["id"])

    def test_typed_errors(self) -> None:
        reg, pending = self.tenant(pending=True)
        with self.assertRaises(PermissionDeniedError) as caught:
            pending.tenant.retrieve()
        self.assertEqual((caught.exception.code, caught.exception.recovery["action"]), ("tenant_pending", "wait"))
        self.assertTrue(caught.exception.request_id)
        with self.assertRaises(AuthenticationError):
            self.anonymous.with_options(api_key="br_live_nope").tenant.retrieve()
        with self.assertRaises(BadRequestError) as bad:
            self.anonymous.register(**{**registration(), "accept_tos": False})
        self.assertEqual(bad.exception.code, "validation_failed")
        with self.assertRaises(NotFoundError):
            self.admin.admin.get_tenant(UNKNOWN_ID)
        with self.assertRaises(PermissionDeniedError) as denied:
            self.tenant()[1].admin.list_tenants()
        self.assertEqual(denied.exception.code, "not_platform_admin")
        with self.assertRaises(ConflictError) as conflict:
            self.admin.admin.suspend_tenant(reg["tenant"]["id"])
        self.assertEqual(conflict.exception.code, "invalid_transition")

    def test_claim_link_and_browser_link(self) -> None:
        reg, client = self.tenant()
        link = client.identity_bridge.generate_claim_link(role="admin", max_uses=2, expires_in_days=3)
        self.assertEqual((link["role"], link["max_uses"]), ("admin", 2))
        teammate = self.anonymous.with_options(access_token=human_token(f"{unique('mate')}@py.test"))
        self.assertEqual(teammate.auth.preview_claim(token=link["token"])["tenant"]["id"], reg["tenant"]["id"])
        claimed = teammate.auth.claim(token=link["token"])
        self.assertEqual((claimed["tenant"]["id"], claimed["membership"]["role"]), (reg["tenant"]["id"], "admin"))
        browser = client.identity_bridge.create_browser_link()
        self.assertIn(browser["token"], browser["url"])

    def test_device_flow(self) -> None:
        reg, client = self.tenant()
        auth = client.identity_bridge.authorize_device()
        self.assertEqual(client.identity_bridge.poll_device_token(auth["device_code"])["error"], "authorization_pending")
        person = self.anonymous.with_options(access_token=human_token(f"{unique('device')}@py.test"))
        self.assertEqual(person.auth.lookup_device(user_code=auth["user_code"])["tenant"]["id"], reg["tenant"]["id"])
        person.auth.confirm_device(user_code=auth["user_code"])
        linked = client.identity_bridge.wait_for_device_link(auth, sleep=lambda _s: None)
        self.assertEqual((linked["status"], linked["tenant"]["id"]), ("linked", reg["tenant"]["id"]))

    def test_every_admin_call_with_and_without_dry_run(self) -> None:
        reg, client = self.tenant(pending=True)
        tenant_id = reg["tenant"]["id"]
        self.assertEqual(self.admin.admin.approve_tenant(tenant_id, dry_run=True)["would_execute"]["to"], "active")
        self.assertEqual(self.admin.admin.get_tenant(tenant_id)["status"], "pending")
        self.assertEqual(self.admin.admin.approve_tenant(tenant_id)["tenant"]["status"], "active")
        self.assertTrue(self.admin.admin.suspend_tenant(tenant_id, reason="py", dry_run=True)["dry_run"])
        self.assertEqual(self.admin.admin.suspend_tenant(tenant_id, reason="py")["tenant"]["status"], "suspended")
        rejected, _ = self.tenant(pending=True)
        self.assertTrue(self.admin.admin.reject_tenant(rejected["tenant"]["id"], dry_run=True)["dry_run"])
        self.assertEqual(self.admin.admin.reject_tenant(rejected["tenant"]["id"], reason="py")["tenant"]["status"], "rejected")
        self.assertTrue(self.admin.admin.create_invite_code(note="dry", dry_run=True)["dry_run"])
        code = self.admin.admin.create_invite_code(max_uses=2, note="py")
        self.assertIn(code["id"], [i["id"] for i in self.admin.admin.list_invite_codes(limit=1)])
        self.assertTrue(self.admin.admin.delete_invite_code(code["id"], dry_run=True)["dry_run"])
        self.assertEqual(self.admin.admin.delete_invite_code(code["id"])["status"], "revoked")
        self.assertIn(tenant_id, [t["id"] for t in self.admin.admin.list_tenants(limit=2)])
        digest = self.admin.admin.digest(window="7d")
        self.assertEqual(digest["window"], "7d")
        self.assertTrue(digest["highlights"])

    def test_models_and_chat_completion(self) -> None:
        _, client = self.tenant()
        self.assertIn("echo", [m["id"] for m in client.models.list()["data"]])
        completion = client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "hello lockstep"}])
        self.assertIn("hello lockstep", completion["choices"][0]["message"]["content"])
        chunks = list(client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "stream me"}], stream=True))
        self.assertGreater(len(chunks), 2)
        self.assertIn("stream me", "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"]))

    def test_model_retrieve_and_embeddings(self) -> None:
        _, client = self.tenant()
        self.assertEqual(client.models.retrieve("echo")["owned_by"], "echo")
        self.assertEqual(client.models.retrieve("echo/echo")["id"], "echo/echo")
        with self.assertRaises(NotFoundError):
            client.models.retrieve("openai/no-such-model")
        completion = client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "fp"}], n=2)
        self.assertEqual(completion["system_fingerprint"], "fp_brainstormrouter_echo")
        self.assertEqual([c["index"] for c in completion["choices"]], [0, 1])
        embeddings = client.embeddings.create(model="echo", input=["red apple", "green apple"], dimensions=8)
        self.assertEqual([len(e["embedding"]) for e in embeddings["data"]], [8, 8])
        self.assertEqual(embeddings["usage"], {"prompt_tokens": 4, "total_tokens": 4})
        with self.assertRaises(BadRequestError) as refused:
            client.embeddings.create(model="echo", input="x", truncate="END")
        self.assertEqual(refused.exception.code, "unsupported_parameter")

    def test_admin_by_access_token(self) -> None:
        by_token = self.anonymous.with_options(access_token=ADMIN_TOKEN)
        self.assertTrue(by_token.admin.list_tenants().data)


@live
class AsyncLiveTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        self.anonymous = AsyncBrainstormRouter(base_url=BASE_URL, max_retries=0)
        self.admin = self.anonymous.with_options(api_key=ADMIN_KEY)

    async def tenant(self, pending: bool = False):
        invite = None if pending else (await self.admin.admin.create_invite_code(max_uses=1))["code"]
        reg = await self.anonymous.register(**registration(**({"invite_code": invite} if invite else {})))
        return reg, self.anonymous.with_options(api_key=reg["api_key"]["key"])

    async def test_register_approve_claim_link_device_link_digest(self) -> None:
        reg, client = await self.tenant(pending=True)
        with self.assertRaises(PermissionDeniedError):
            await client.tenant.retrieve()
        self.assertTrue((await self.admin.admin.approve_tenant(reg["tenant"]["id"], dry_run=True))["dry_run"])
        await self.admin.admin.approve_tenant(reg["tenant"]["id"])
        self.assertEqual((await client.tenant.retrieve())["tenant"]["status"], "active")
        link = await client.identity_bridge.generate_claim_link(role="member")
        mate = self.anonymous.with_options(access_token=human_token(f"{unique('amate')}@py.test"))
        self.assertEqual((await mate.auth.claim(token=link["token"]))["membership"]["role"], "member")
        auth = await client.identity_bridge.authorize_device()
        self.assertEqual((await client.identity_bridge.poll_device_token(auth["device_code"]))["error"], "authorization_pending")
        await mate.auth.confirm_device(user_code=auth["user_code"])
        linked = await client.identity_bridge.wait_for_device_link(auth, sleep=no_wait)
        self.assertEqual(linked["tenant"]["id"], reg["tenant"]["id"])
        digest = await self.admin.admin.digest()
        self.assertTrue(digest["highlights"])

    async def test_async_chat_completion(self) -> None:
        _, client = await self.tenant()
        completion = await client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "async hello"}])
        self.assertIn("async hello", completion["choices"][0]["message"]["content"])
        stream = await client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "async stream"}], stream=True)
        text = "".join([c["choices"][0]["delta"].get("content", "") async for c in stream if c["choices"]])
        self.assertIn("async stream", text)

    async def test_async_model_retrieve_and_embeddings(self) -> None:
        _, client = await self.tenant()
        self.assertEqual((await client.models.retrieve("echo"))["object"], "model")
        embeddings = await client.embeddings.create(model="echo", input="async text", encoding_format="base64")
        self.assertIsInstance(embeddings["data"][0]["embedding"], str)
        self.assertEqual(len(base64.b64decode(embeddings["data"][0]["embedding"])), 64 * 4)

    async def test_async_pages_and_errors(self) -> None:
        await self.tenant(pending=True)
        ids = [t["id"] async for t in self.admin.admin.list_tenants(limit=1)]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertGreater(len(ids), 1)
        with self.assertRaises(NotFoundError):
            await self.admin.admin.delete_invite_code(UNKNOWN_ID)
        with self.assertRaises(ConflictError):
            reg, _ = await self.tenant()
            await self.admin.admin.approve_tenant(reg["tenant"]["id"])


if __name__ == "__main__":
    unittest.main()
