from ..types import ModelList
from ._base import Resource


class Models(Resource):
    def list(self) -> ModelList:
        """Models this key may call (OpenAI-compatible list, not paged)."""
        return self._request("GET", "/v1/models", "api_key")


class AsyncModels(Models):
    async def list(self) -> ModelList:  # type: ignore[override]
        return await super().list()  # type: ignore[misc]
