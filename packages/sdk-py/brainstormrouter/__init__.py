"""BrainstormRouter client: standard library only, sync and async.

Responses are plain dicts typed by ``brainstormrouter.types`` (``TypedDict``s named after the
OpenAPI schemas); list methods answer pages generic in their item type.
"""
from . import _error_codes as error_codes
from . import types
from ._client import AsyncBrainstormRouter, BrainstormRouter
from ._error_codes import ERROR_CODES, ErrorCode
from ._errors import (
    APIConnectionError,
    APIConnectionTimeoutError,
    APIError,
    AuthenticationError,
    BadRequestError,
    BrainstormRouterError,
    ConflictError,
    DeviceFlowError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._pagination import AsyncCursorPage, AsyncPaginator, SyncCursorPage
from ._streaming import AsyncStream, Stream
from ._transport import VERSION as __version__

__all__ = [
    "AsyncBrainstormRouter",
    "BrainstormRouter",
    "APIConnectionError",
    "APIConnectionTimeoutError",
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "BrainstormRouterError",
    "ConflictError",
    "DeviceFlowError",
    "InternalServerError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "ERROR_CODES",
    "ErrorCode",
    "error_codes",
    "AsyncCursorPage",
    "AsyncPaginator",
    "SyncCursorPage",
    "AsyncStream",
    "Stream",
    "types",
    "__version__",
]
