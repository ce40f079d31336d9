from typing import Any, List, Union

from ..types import EmbeddingList
from ._base import Resource

EmbeddingInput = Union[str, List[str], List[int], List[List[int]]]


class Embeddings(Resource):
    def create(self, *, model: str, input: EmbeddingInput, **params: Any) -> EmbeddingList:
        """OpenAI-compatible embeddings, one per input in input order; metered as prompt tokens.

        ``input`` is a text, texts, a token array or token arrays (at most 2048, none empty).
        ``params`` go into the body as given: ``dimensions``, ``encoding_format`` (``"float"``, the
        default here, or ``"base64"``: each embedding is then a str of little-endian float32 bytes),
        ``user``. An unknown model raises NotFoundError; the echo model refuses parameters it cannot
        honour with BadRequestError (``unsupported_parameter``).
        """
        return self._request("POST", "/v1/embeddings", "api_key", body={**params, "model": model, "input": input})


class AsyncEmbeddings(Embeddings):
    async def create(self, *, model: str, input: EmbeddingInput, **params: Any) -> EmbeddingList:  # type: ignore[override]
        return await super().create(model=model, input=input, **params)  # type: ignore[misc]
