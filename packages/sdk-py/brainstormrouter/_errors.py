"""One error family, mirroring the TypeScript SDK and the server's envelope (DESIGN.md §6)."""
from typing import Any, Mapping, Optional


class BrainstormRouterError(Exception):
    """Every error this SDK raises."""


class APIError(BrainstormRouterError):
    """The server answered with an error status; fields come from its ``{"error": {...}}`` envelope."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str]) -> None:
        raw = body.get("error") if isinstance(body, dict) else None
        if isinstance(raw, str):
            # The device-token route answers in OAuth's shape (RFC 6749 §5.2): ``error`` is the code.
            error = {"code": raw, "message": body.get("error_description") or raw}
        else:
            error = raw if isinstance(raw, dict) else {}
        message = error.get("message") or (body if isinstance(body, str) and body else "status code (no body)")
        super().__init__(f"{status} {message}")
        self.status = status
        self.body = body
        self.headers = headers
        self.type: Optional[str] = error.get("type")
        #: One of ``ERROR_CODES`` (``brainstormrouter.error_codes`` names each); a newer server may add codes.
        self.code: Optional[str] = error.get("code")
        self.recovery: Optional[dict] = error.get("recovery")
        #: ``x-br-request-id`` of the failed response: quote it when asking for help.
        self.request_id: Optional[str] = headers.get("x-br-request-id")


class BadRequestError(APIError):
    pass


class AuthenticationError(APIError):
    pass


class PermissionDeniedError(APIError):
    pass


class NotFoundError(APIError):
    pass


class ConflictError(APIError):
    pass


class PayloadTooLargeError(APIError):
    pass


class UnprocessableEntityError(APIError):
    pass


class RateLimitError(APIError):
    pass


class InternalServerError(APIError):
    pass


_BY_STATUS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_for(status: int, body: Any, headers: Mapping[str, str]) -> APIError:
    cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIError)
    return cls(status, body, headers)


class APIConnectionError(BrainstormRouterError):
    """No response at all: DNS, refused connection, reset."""

    def __init__(self, message: str = "Connection error.") -> None:
        super().__init__(message)


class APIConnectionTimeoutError(APIConnectionError):
    def __init__(self) -> None:
        super().__init__("Request timed out.")


class DeviceFlowError(BrainstormRouterError):
    """The device flow ended without a link (RFC 8628 ``access_denied`` or ``expired_token``)."""

    def __init__(self, error: str, description: Optional[str] = None) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description
