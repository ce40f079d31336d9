import asyncio
import time
from typing import Any, Callable, Mapping, Optional, Union

from .._errors import DeviceFlowError
from ..types import BrowserLink, ClaimLink, DeviceAuthorization, DeviceLinked, DeviceTokenError
from ._base import Resource, compact

DEVICE_FLOW_STATES = frozenset({"authorization_pending", "slow_down", "access_denied", "expired_token"})


def _is_device_flow_state(status: int, body: Any) -> bool:
    return status == 400 and isinstance(body, dict) and body.get("error") in DEVICE_FLOW_STATES


class _Poll:
    """The RFC 8628 §3.5 schedule: ``interval`` between polls, 5 s more after each slow_down."""

    def __init__(self, authorization: Mapping[str, Any]) -> None:
        self.interval = float(authorization["interval"])
        self.deadline = time.monotonic() + float(authorization["expires_in"])

    def settle(self, result: Any) -> bool:
        """True when linked; raises when the flow ended without a link."""
        if result.get("status") == "linked":
            return True
        error = result.get("error")
        if error == "slow_down":
            self.interval += 5
        elif error in ("access_denied", "expired_token"):
            raise DeviceFlowError(error, result.get("error_description"))
        if time.monotonic() > self.deadline:
            raise DeviceFlowError("expired_token", "The device code expired before it was confirmed.")
        return False


class IdentityBridge(Resource):
    """Linking humans to this tenant: claim links, browser links and the device flow (API key)."""

    def generate_claim_link(self, *, role: Optional[str] = None, max_uses: Optional[int] = None, expires_in_days: Optional[int] = None) -> ClaimLink:
        """Mints a claim link for teammates; defaults: role member, 1 use (up to 1000), 7 days (up to 30).

        ``token`` and ``url`` are shown this once.
        """
        body = compact(role=role, max_uses=max_uses, expires_in_days=expires_in_days)
        return self._request("POST", "/v1/tenant/claim-link", "api_key", body=body)

    def create_browser_link(self) -> BrowserLink:
        """A single-use, 7-day link that opens the dashboard signed in as this tenant's owner (admin-role key)."""
        return self._request("POST", "/v1/auth/link", "api_key", body={})

    def authorize_device(self, *, role: Optional[str] = None) -> DeviceAuthorization:
        """Starts the device flow: show ``user_code`` and ``verification_uri`` to the human.

        ``role`` is what an identity new to the tenant gets on approval (default owner).
        """
        return self._request("POST", "/v1/auth/device/authorize", "api_key", body=compact(role=role))

    def poll_device_token(self, device_code: str) -> Union[DeviceLinked, DeviceTokenError]:
        """One poll. Pending, slow_down, denied and expired come back as ``{"error": ...}`` values, not exceptions.

        An unknown, foreign or already delivered code (``invalid_grant``) raises BadRequestError.
        """
        return self._request(
            "POST", "/v1/auth/device/token", "api_key", body={"device_code": device_code}, result_on_error=_is_device_flow_state
        )

    def wait_for_device_link(
        self,
        authorization: Mapping[str, Any],
        *,
        on_poll: Optional[Callable[[DeviceTokenError], None]] = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> DeviceLinked:
        """Polls until confirmed, on the RFC 8628 schedule; raises DeviceFlowError when denied or expired.

        ``authorization`` is what ``authorize_device`` answered; ``on_poll`` sees each answer that
        was not yet a link; ``sleep`` is replaceable for tests.
        """
        poll = _Poll(authorization)
        while True:
            sleep(poll.interval)
            result = self.poll_device_token(authorization["device_code"])
            if poll.settle(result):
                return result  # type: ignore[return-value]
            if on_poll:
                on_poll(result)  # type: ignore[arg-type]


class AsyncIdentityBridge(IdentityBridge):
    async def generate_claim_link(  # type: ignore[override]
        self, *, role: Optional[str] = None, max_uses: Optional[int] = None, expires_in_days: Optional[int] = None
    ) -> ClaimLink:
        return await super().generate_claim_link(role=role, max_uses=max_uses, expires_in_days=expires_in_days)  # type: ignore[misc]

    async def create_browser_link(self) -> BrowserLink:  # type: ignore[override]
        return await super().create_browser_link()  # type: ignore[misc]

    async def authorize_device(self, *, role: Optional[str] = None) -> DeviceAuthorization:  # type: ignore[override]
        return await super().authorize_device(role=role)  # type: ignore[misc]

    async def poll_device_token(self, device_code: str) -> Union[DeviceLinked, DeviceTokenError]:  # type: ignore[override]
        return await super().poll_device_token(device_code)  # type: ignore[misc]

    async def wait_for_device_link(  # type: ignore[override]
        self,
        authorization: Mapping[str, Any],
        *,
        on_poll: Optional[Callable[[DeviceTokenError], None]] = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> DeviceLinked:
        poll = _Poll(authorization)
        while True:
            await sleep(poll.interval)
            result = await self.poll_device_token(authorization["device_code"])
            if poll.settle(result):
                return result  # type: ignore[return-value]
            if on_poll:
                on_poll(result)  # type: ignore[arg-type]
