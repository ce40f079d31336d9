"""The lockstep scenario (register, approve, claim link, device link, digest), sync and async.

Confirmations need a signed-in human, which the tests sign themselves (support.human_token).
"""
import unittest
import urllib.request
import json

from brainstormrouter import AsyncBrainstormRouter, BrainstormRouter

from .support import ADMIN_KEY, BASE_URL, human_token, live, registration, unique


def confirm_device(user_code: str) -> None:
    """The human's side, as the dashboard does it (not SDK surface for an agent)."""
    request = urllib.request.Request(
        f"{BASE_URL}/auth/device/confirm",
        data=json.dumps({"user_code": user_code}).encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {human_token(unique('human') + '@scenario.test')}"},
        method="POST",
    )
    with urllib.request.urlopen(request) as res:
        assert res.status == 200


@live
class SyncScenario(unittest.TestCase):
    def test_scenario(self) -> None:
        anonymous = BrainstormRouter(base_url=BASE_URL)
        reg = anonymous.register(**registration())
        self.assertEqual(reg["tenant"]["status"], "pending")
        admin = anonymous.with_options(api_key=ADMIN_KEY)
        self.assertEqual(admin.admin.approve_tenant(reg["tenant"]["id"])["tenant"]["status"], "active")
        agent = anonymous.with_options(api_key=reg["api_key"]["key"])
        link = agent.identity_bridge.generate_claim_link(role="admin", max_uses=1, expires_in_days=7)
        self.assertIn("/dashboard/?claim=", link["url"])
        auth = agent.identity_bridge.authorize_device()
        confirm_device(auth["user_code"])
        linked = agent.identity_bridge.wait_for_device_link(auth)
        self.assertEqual(linked["tenant"]["id"], reg["tenant"]["id"])
        self.assertTrue(admin.admin.digest(window="24h")["highlights"])


@live
class AsyncScenario(unittest.IsolatedAsyncioTestCase):
    async def test_scenario(self) -> None:
        async with AsyncBrainstormRouter(base_url=BASE_URL) as anonymous:
            reg = await anonymous.register(**registration())
            admin = anonymous.with_options(api_key=ADMIN_KEY)
            self.assertEqual((await admin.admin.approve_tenant(reg["tenant"]["id"]))["tenant"]["status"], "active")
            agent = anonymous.with_options(api_key=reg["api_key"]["key"])
            link = await agent.identity_bridge.generate_claim_link(role="member")
            self.assertEqual(link["role"], "member")
            auth = await agent.identity_bridge.authorize_device()
            confirm_device(auth["user_code"])
            linked = await agent.identity_bridge.wait_for_device_link(auth)
            self.assertEqual(linked["tenant"]["id"], reg["tenant"]["id"])
            self.assertTrue((await admin.admin.digest())["highlights"])


if __name__ == "__main__":
    unittest.main()
