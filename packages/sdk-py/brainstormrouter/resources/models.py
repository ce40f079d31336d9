from .._transport import path
from ..types import Model, ModelList
from ._base import Resource


class Models(Resource):
    def list(self) -> ModelList:
        """Models this key may call (OpenAI-compatible list, not paged)."""
        return self._request("GET", "/v1/models", "api_key")

    def retrieve(self, id: str) -> Model:
        """One model by id (``openai/gpt-4o`` too: sent as one path segment); an unknown one raises NotFoundError (``model_not_found``)."""
        return self._request("GET", path("/v1/models/{}", id), "api_key")


class AsyncModels(Models):
    async def list(self) -> ModelList:  # type: ignore[override]
        return await super().list()  # type: ignore[misc]

    async def retrieve(self, id: str) -> Model:  # type: ignore[override]
        return await super().retrieve(id)  # type: ignore[misc]
