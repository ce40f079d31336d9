"""Proposals (an agent proposes, a human approves) and the audit trail, sync and async, against a
live server whose BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS lists BR_TEST_PROPOSER_EMAIL's subject."""
import unittest

from brainstormrouter import AsyncBrainstormRouter, BrainstormRouter, ConflictError, PermissionDeniedError

from .support import ADMIN_KEY, ADMIN_TOKEN, BASE_URL, PROPOSER_EMAIL, human_token, registration, unique, with_proposer


@with_proposer
class SyncProposalTest(unittest.TestCase):
    def setUp(self) -> None:
        self.anonymous = BrainstormRouter(base_url=BASE_URL, max_retries=0)
        self.admin = self.anonymous.with_options(api_key=ADMIN_KEY)
        self.proposer = self.anonymous.with_options(access_token=human_token(PROPOSER_EMAIL))

    def pending_tenant(self) -> dict:
        reg = self.anonymous.register(**registration())
        self.assertEqual(reg["tenant"]["status"], "pending")
        return reg

    def test_proposer_proposes_admin_approves_and_the_trail_names_both(self) -> None:
        reg = self.pending_tenant()
        tenant_id = reg["tenant"]["id"]
        # A proposer may look and dry-run; acting needs a proposal.
        self.assertEqual(self.proposer.admin.approve_tenant(tenant_id, dry_run=True)["would_execute"]["to"], "active")
        with self.assertRaises(PermissionDeniedError) as denied:
            self.proposer.admin.approve_tenant(tenant_id)
        self.assertEqual((denied.exception.code, denied.exception.recovery["action"]), ("proposal_required", "escalate"))
        with self.assertRaises(ConflictError) as illegal:
            self.proposer.admin.create_proposal(action="suspend_tenant", target_id=tenant_id, rationale="pending cannot be suspended")
        self.assertEqual(illegal.exception.code, "invalid_transition")

        proposal = self.proposer.admin.create_proposal(
            action="approve_tenant", target_id=tenant_id, params={"reason": "py"}, rationale="Known partner", expires_in_minutes=60
        )
        self.assertEqual((proposal["status"], proposal["target_id"], proposal["would_execute"]["to"]), ("open", tenant_id, "active"))
        self.assertEqual((proposal["proposed_by"]["kind"], proposal["proposed_by"]["label"]), ("user", PROPOSER_EMAIL))
        self.assertIsNone(proposal["decided_by"])
        self.assertEqual(self.proposer.admin.get_proposal(proposal["id"])["summary"], proposal["summary"])
        # limit=1: the page walk follows next_cursor.
        self.assertIn(proposal["id"], [p["id"] for p in self.proposer.admin.list_proposals(status="open", limit=1)])
        with self.assertRaises(PermissionDeniedError) as not_admin:
            self.proposer.admin.approve_proposal(proposal["id"])
        self.assertEqual(not_admin.exception.code, "not_platform_admin")

        dry = self.admin.admin.approve_proposal(proposal["id"], dry_run=True)
        self.assertEqual((dry["dry_run"], dry["would_execute"]["to"]), (True, "active"))
        self.assertEqual(self.admin.admin.get_tenant(tenant_id)["status"], "pending")
        executed = self.admin.admin.approve_proposal(proposal["id"])
        self.assertEqual((executed["status"], executed["decided_by"]["kind"]), ("executed", "api_key"))
        self.assertEqual(executed["result"]["tenant"]["status"], "active")
        self.assertEqual(self.admin.admin.get_tenant(tenant_id)["status"], "active")
        with self.assertRaises(ConflictError) as again:
            self.admin.admin.approve_proposal(proposal["id"])
        self.assertEqual(again.exception.code, "proposal_already_decided")

        approved = list(self.admin.admin.list_audit_events(tenant_id=tenant_id, action="tenant.approved"))
        self.assertEqual([(e["proposal_id"], e["changes"]) for e in approved], [(proposal["id"], {"status": ["pending", "active"]})])
        self.assertEqual(
            (approved[0]["actor"]["kind"], approved[0]["via"], approved[0]["target"]), ("api_key", "api", {"type": "tenant", "id": tenant_id})
        )
        by_proposer = self.proposer.admin.list_audit_events(actor=PROPOSER_EMAIL, action="proposal.created", limit=200)
        self.assertIn(proposal["id"], [e["proposal_id"] for e in by_proposer])
        # The tenant's own admin key sees its trail, and nothing of another tenant's.
        own = list(self.anonymous.with_options(api_key=reg["api_key"]["key"]).tenant.list_audit_events())
        self.assertIn(("tenant.approved", proposal["id"]), [(e["action"], e["proposal_id"]) for e in own])
        self.assertEqual({e["tenant_id"] for e in own}, {tenant_id})

    def test_decline_and_self_approval(self) -> None:
        invite = self.proposer.admin.create_proposal(action="create_invite_code", params={"max_uses": 1, "note": "py"}, rationale="A seat")
        self.assertIsNone(invite["target_id"])
        declined = self.admin.admin.decline_proposal(invite["id"], reason="not now")
        self.assertEqual((declined["status"], declined["decision_reason"]), ("declined", "not now"))
        self.assertIn(invite["id"], [p["id"] for p in self.admin.admin.list_proposals(status="declined")])
        with self.assertRaises(ConflictError) as decided:
            self.admin.admin.decline_proposal(invite["id"])
        self.assertEqual(decided.exception.code, "proposal_already_decided")
        # Whoever proposed may not decide, admin or not.
        mine = self.admin.admin.create_proposal(action="create_invite_code", rationale="self-serve")
        for decide in (self.admin.admin.approve_proposal, self.admin.admin.decline_proposal):
            with self.assertRaises(PermissionDeniedError) as self_approval:
                decide(mine["id"])
            self.assertEqual(self_approval.exception.code, "self_approval_forbidden")
        proposals = self.admin.admin.digest()["proposals"]
        self.assertGreaterEqual(proposals["open"], 1)
        self.assertGreaterEqual(proposals["declined"], 1)
        self.assertIsNotNone(proposals["oldest_open_hours"])

    def test_platform_key_flags_and_the_dashboard_trail(self) -> None:
        code = self.admin.admin.create_invite_code(max_uses=1, note="proposer")["code"]
        tenant = self.proposer.auth.provision(tenant_name=unique("Agent ops"), invite_code=code)["tenant"]
        agent = self.proposer.with_options(tenant_id=tenant["id"])
        key = agent.auth.api_keys.create(name=unique("agent"), role="admin", platform_proposer=True)
        self.assertEqual(key["platform_role"], "proposer")
        self.assertIsNone(agent.auth.api_keys.create(name=unique("plain"))["platform_role"])
        with self.assertRaises(PermissionDeniedError) as denied:
            agent.auth.api_keys.create(name=unique("nope"), platform_admin=True)
        self.assertEqual(denied.exception.code, "not_platform_admin")
        self.assertIn(key["id"], [k["id"] for k in agent.auth.api_keys.list() if k["platform_role"] == "proposer"])

        # The minted key proposes; the admin, another identity, approves.
        by_key = self.anonymous.with_options(api_key=key["key"])
        pending = self.pending_tenant()["tenant"]["id"]
        proposal = by_key.admin.create_proposal(action="reject_tenant", target_id=pending, params={"reason": "spam"}, rationale="Bot signup")
        self.assertEqual(proposal["proposed_by"], {"kind": "api_key", "id": key["id"], "label": proposal["proposed_by"]["label"]})
        self.assertEqual(self.admin.admin.approve_proposal(proposal["id"])["result"]["tenant"]["status"], "rejected")

        created = [e for e in agent.auth.list_audit_events(action="api_key.created") if e["target"]["id"] == key["id"]]
        self.assertEqual(
            [(e["changes"], e["via"], e["actor"]["label"]) for e in created], [({"platform_role": [None, "proposer"]}, "dashboard", PROPOSER_EMAIL)]
        )
        # The same tenant's trail by its admin-role key, walked one row a page.
        by_dashboard = [e["id"] for e in agent.auth.list_audit_events(action="api_key.created")]
        self.assertEqual([e["id"] for e in by_key.tenant.list_audit_events(action="api_key.created", limit=1)], by_dashboard)
        developer = self.anonymous.with_options(api_key=agent.auth.api_keys.create(name=unique("dev"), role="developer")["key"])
        with self.assertRaises(PermissionDeniedError):
            developer.tenant.list_audit_events()


@with_proposer
class AsyncProposalTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        self.anonymous = AsyncBrainstormRouter(base_url=BASE_URL, max_retries=0)
        self.admin = self.anonymous.with_options(api_key=ADMIN_KEY)
        self.proposer = self.anonymous.with_options(access_token=human_token(PROPOSER_EMAIL))

    async def test_propose_approve_decline_and_every_audit_route(self) -> None:
        reg = await self.anonymous.register(**registration())
        tenant_id = reg["tenant"]["id"]
        proposal = await self.proposer.admin.create_proposal(action="approve_tenant", target_id=tenant_id, rationale="async")
        self.assertIn(proposal["id"], [p["id"] async for p in self.proposer.admin.list_proposals(status="open", limit=1)])
        first = await self.admin.admin.list_proposals(limit=1)
        self.assertEqual(len(first.data), 1)
        self.assertEqual((await self.admin.admin.get_proposal(proposal["id"]))["status"], "open")
        self.assertTrue((await self.admin.admin.approve_proposal(proposal["id"], dry_run=True))["dry_run"])
        self.assertEqual((await self.admin.admin.approve_proposal(proposal["id"]))["status"], "executed")

        other = await self.anonymous.register(**registration())
        second = await self.proposer.admin.create_proposal(action="reject_tenant", target_id=other["tenant"]["id"], rationale="async")
        declined = await self.admin.admin.decline_proposal(second["id"])
        self.assertEqual((declined["status"], declined["decision_reason"]), ("declined", None))
        with self.assertRaises(ConflictError):
            await self.admin.admin.approve_proposal(second["id"])

        trail = [e async for e in self.admin.admin.list_audit_events(tenant_id=tenant_id, limit=1)]
        self.assertEqual({"proposal.created", "proposal.executed", "tenant.approved"} - {e["action"] for e in trail}, set())
        self.assertEqual(len({e["id"] for e in trail}), len(trail))
        agent = self.anonymous.with_options(api_key=reg["api_key"]["key"])
        self.assertIn("tenant.approved", [e["action"] async for e in agent.tenant.list_audit_events()])
        self.assertTrue((await agent.tenant.list_audit_events(action="tenant.approved")).data)
        # The dashboard's Activity page: the platform admin's own tenant, its key minted with platform power.
        human = self.anonymous.with_options(access_token=ADMIN_TOKEN)
        keys = [e async for e in human.auth.list_audit_events(action="api_key.created")]
        self.assertIn({"platform_role": [None, "admin"]}, [e["changes"] for e in keys])
        self.assertGreaterEqual((await self.admin.admin.digest())["proposals"]["executed"], 1)


if __name__ == "__main__":
    unittest.main()
