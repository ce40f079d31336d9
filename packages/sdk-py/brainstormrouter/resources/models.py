from typing import Any

from ._base import Resource


class Models(Resource):
    def list(self) -> Any:
        """Models this key may call (OpenAI-compatible list)."""
        return self._request("GET", "/v1/models", "api_key")
