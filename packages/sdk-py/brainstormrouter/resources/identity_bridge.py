import asyncio
import time
from typing import Any, Callable, Mapping, Optional

from .._errors import DeviceFlowError
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
    """Linking humans to this tenant: claim links, browser links and the device flow."""

    def generate_claim_link(self, *, role: Optional[str] = None, max_uses: Optional[int] = None, expires_in_days: Optional[int] = None) -> Any:
        body = compact(role=role, max_uses=max_uses, expires_in_days=expires_in_days)
        return self._request("POST", "/v1/tenant/claim-link", "api_key", body=body)

    def create_browser_link(self) -> Any:
        return self._request("POST", "/v1/auth/link", "api_key", body={})

    def authorize_device(self, *, role: Optional[str] = None) -> Any:
        """Starts the device flow: show ``user_code`` and ``verification_uri`` to the human.

        ``role`` is what an identity new to the tenant gets on approval (default owner).
        """
        return self._request("POST", "/v1/auth/device/authorize", "api_key", body=compact(role=role))

    def poll_device_token(self, device_code: str) -> Any:
        """One poll. Pending, slow_down, denied and expired come back as ``{"error": ...}`` values."""
        return self._request(
            "POST", "/v1/auth/device/token", "api_key", body={"device_code": device_code}, result_on_error=_is_device_flow_state
        )

    def wait_for_device_link(
        self,
        authorization: Mapping[str, Any],
        *,
        on_poll: Optional[Callable[[Any], None]] = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Any:
        """Polls until confirmed; raises DeviceFlowError when denied or expired."""
        poll = _Poll(authorization)
        while True:
            sleep(poll.interval)
            result = self.poll_device_token(authorization["device_code"])
            if poll.settle(result):
                return result
            if on_poll:
                on_poll(result)


class AsyncIdentityBridge(IdentityBridge):
    async def wait_for_device_link(  # type: ignore[override]
        self,
        authorization: Mapping[str, Any],
        *,
        on_poll: Optional[Callable[[Any], None]] = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> Any:
        poll = _Poll(authorization)
        while True:
            await sleep(poll.interval)
            result = await self.poll_device_token(authorization["device_code"])
            if poll.settle(result):
                return result
            if on_poll:
                on_poll(result)
