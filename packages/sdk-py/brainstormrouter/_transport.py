"""Requests over urllib: credentials, timeouts, retries and error mapping, for both clients."""
import asyncio
import email.utils
import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from ._errors import APIConnectionError, APIConnectionTimeoutError, BrainstormRouterError, error_for
from ._streaming import AsyncStream, Stream

VERSION = "0.1.0"
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class Settings:
    base_url: str
    api_key: Optional[str]
    access_token: Optional[str]
    tenant_id: Optional[str]
    max_retries: int
    timeout: float
    default_headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    #: "api_key" for /v1/*, "access_token" for /auth/*, "either" for admin routes, "none".
    credential: str
    query: Optional[Mapping[str, Any]] = None
    body: Any = None
    #: Error statuses whose body is a result, not an exception (the RFC 8628 poll).
    result_on_error: Optional[Callable[[int, Any], bool]] = None
    #: Answer the open response (server-sent events) instead of a parsed JSON body.
    stream: bool = False


def path(template: str, *segments: str) -> str:
    """Fills ``{}`` placeholders with each value encoded as one path segment."""
    return template.format(*(urllib.parse.quote(str(s), safe="") for s in segments))


def should_retry(status: int, body: Any) -> bool:
    """408, 429, 5xx; a 409 only when the server calls it transient (recovery retry/wait)."""
    if status in (408, 429) or status >= 500:
        return True
    if status != 409 or not isinstance(body, dict):
        return False
    recovery = (body.get("error") or {}).get("recovery") or {}
    return recovery.get("action") in ("retry", "wait")


def backoff(attempt: int) -> float:
    """0.5 s doubling to 8 s, minus up to 25 % so that clients failing together spread out."""
    return min(0.5 * 2**attempt, 8.0) * (1 - random.random() * 0.25)


def retry_delay(headers: Mapping[str, str], attempt: int) -> float:
    value = headers.get("retry-after")
    if value:
        try:
            seconds = float(value)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if value else None
            seconds = parsed.timestamp() - time.time() if parsed else -1
        if 0 <= seconds <= MAX_RETRY_AFTER:
            return seconds
    return backoff(attempt)


class _Response:
    def __init__(self, status: int, headers: Dict[str, str], body: Any) -> None:
        self.status, self.headers, self.body = status, headers, body


class BaseTransport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def with_settings(self, **changes: Any) -> "BaseTransport":
        return type(self)(replace(self.settings, **changes))

    def _prepare(self, req: ApiRequest) -> Tuple[str, Dict[str, str], Optional[bytes]]:
        s = self.settings
        url = s.base_url.rstrip("/") + req.path
        query = {k: _query_value(v) for k, v in (req.query or {}).items() if v is not None}
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"accept": "application/json", "user-agent": f"brainstormrouter-python/{VERSION}"}
        data = None
        if req.body is not None:
            data = json.dumps(req.body).encode()
            headers["content-type"] = "application/json"
        token = {"api_key": s.api_key, "access_token": s.access_token, "either": s.api_key or s.access_token}.get(req.credential)
        if req.credential != "none":
            if not token:
                wanted = "api_key or access_token" if req.credential == "either" else req.credential
                raise BrainstormRouterError(f"{req.method} {req.path} needs the client's {wanted}.")
            headers["authorization"] = f"Bearer {token}"
            # The tenant header only means something next to a human's token (DESIGN.md §6).
            if token == s.access_token and s.tenant_id:
                headers["x-br-tenant-id"] = s.tenant_id
        headers.update(s.default_headers)
        return url, headers, data

    def _send_once(self, method: str, url: str, headers: Dict[str, str], data: Optional[bytes], stream: bool = False) -> _Response:
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            res = urllib.request.urlopen(request, timeout=self.settings.timeout)
            if stream:
                # Left open: the caller's Stream reads and closes it.
                return _Response(res.status, _lower(res.headers), res)
            with res:
                return _Response(res.status, _lower(res.headers), _parse(res.read()))
        except urllib.error.HTTPError as err:
            with err:
                return _Response(err.code, _lower(err.headers), _parse(err.read()))
        except (socket.timeout, TimeoutError) as err:
            raise APIConnectionTimeoutError() from err
        except urllib.error.URLError as err:
            if isinstance(err.reason, (socket.timeout, TimeoutError)):
                raise APIConnectionTimeoutError() from err
            raise APIConnectionError(f"Connection error: {err.reason}") from err
        except OSError as err:
            raise APIConnectionError(f"Connection error: {err}") from err

    def _outcome(self, req: ApiRequest, res: _Response, retries_left: int, attempt: int) -> Tuple[bool, Any]:
        """(done, value): the value is the result when done, else the seconds to wait."""
        if 200 <= res.status < 300 or (req.result_on_error and req.result_on_error(res.status, res.body)):
            return True, res.body
        if retries_left > 0 and should_retry(res.status, res.body):
            return False, retry_delay(res.headers, attempt)
        raise error_for(res.status, res.body, res.headers)


class SyncTransport(BaseTransport):
    def request(self, req: ApiRequest) -> Any:
        url, headers, data = self._prepare(req)
        attempt = 0
        while True:
            retries_left = self.settings.max_retries - attempt
            try:
                res = self._send_once(req.method, url, headers, data, req.stream)
            except APIConnectionError:
                if retries_left <= 0:
                    raise
                time.sleep(backoff(attempt))
                attempt += 1
                continue
            done, value = self._outcome(req, res, retries_left, attempt)
            if done:
                return Stream(value) if req.stream else value
            time.sleep(value)
            attempt += 1


class AsyncTransport(BaseTransport):
    """The same requests, each attempt in a worker thread; waits between attempts never block the loop."""

    async def request(self, req: ApiRequest) -> Any:
        url, headers, data = self._prepare(req)
        attempt = 0
        while True:
            retries_left = self.settings.max_retries - attempt
            try:
                res = await asyncio.to_thread(self._send_once, req.method, url, headers, data, req.stream)
            except APIConnectionError:
                if retries_left <= 0:
                    raise
                await asyncio.sleep(backoff(attempt))
                attempt += 1
                continue
            done, value = self._outcome(req, res, retries_left, attempt)
            if done:
                return AsyncStream(value) if req.stream else value
            await asyncio.sleep(value)
            attempt += 1


def _query_value(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def _lower(headers: Any) -> Dict[str, str]:
    return {k.lower(): v for k, v in headers.items()} if headers else {}


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text
