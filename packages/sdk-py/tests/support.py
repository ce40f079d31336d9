"""What the live tests read from the lockstep server (packages/server/test/lockstep/fixtures.ts)."""
import base64
import hashlib
import hmac
import json
import os
import time
import unittest
import uuid

BASE_URL = os.environ.get("BR_TEST_BASE_URL")
ADMIN_KEY = os.environ.get("BR_TEST_ADMIN_KEY", "")
ADMIN_TOKEN = os.environ.get("BR_TEST_ADMIN_TOKEN", "")
JWT_SECRET = os.environ.get("BR_TEST_JWT_SECRET", "")
# A human on the server's BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS (packages/server/test/lockstep/python.test.ts).
PROPOSER_EMAIL = os.environ.get("BR_TEST_PROPOSER_EMAIL", "")

live = unittest.skipUnless(BASE_URL, "BR_TEST_BASE_URL not set (npm test sets it; see packages/server/test/lockstep)")
with_proposer = unittest.skipUnless(
    BASE_URL and PROPOSER_EMAIL, "BR_TEST_PROPOSER_EMAIL not set (a subject on BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS; python.test.ts sets both)"
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def human_token(email: str) -> str:
    """An HS256 access token as the test server's issuer would sign it (subject ``user|<email>``)."""
    now = int(time.time())
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = _b64(json.dumps({"sub": f"user|{email}", "email": email, "email_verified": True, "iat": now, "exp": now + 3600}).encode())
    signature = hmac.new(JWT_SECRET.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{_b64(signature)}"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def registration(**extra: str) -> dict:
    return {"tenant_name": unique("Py Lab"), "admin_email": f"{unique('py')}@lab.test", "accept_tos": True, **extra}


async def no_wait(_seconds: float) -> None:
    """The live tests confirm before they wait, so they need not sit out the 5 s interval."""
