from typing import Any, List, Literal, Mapping, Union, overload

from .._streaming import AsyncStream, Stream
from ..types import ChatCompletion
from ._base import Resource

Messages = List[Mapping[str, Any]]


class Completions(Resource):
    @overload
    def create(self, *, model: str, messages: Messages, stream: Literal[False] = False, **params: Any) -> ChatCompletion: ...

    @overload
    def create(self, *, model: str, messages: Messages, stream: Literal[True], **params: Any) -> Stream: ...

    @overload
    def create(self, *, model: str, messages: Messages, stream: bool, **params: Any) -> Union[ChatCompletion, Stream]: ...

    def create(self, *, model: str, messages: Messages, stream: bool = False, **params: Any) -> Union[ChatCompletion, Stream]:
        """OpenAI-compatible chat completion; with ``stream=True``, a ``Stream`` of chunks to iterate as they arrive.

        ``params`` go into the body as given (``temperature``, ``max_tokens``, …). An unknown model
        raises NotFoundError; an upstream failure raises InternalServerError (502–504).
        """
        body = {**params, "model": model, "messages": messages, "stream": stream}
        return self._request("POST", "/v1/chat/completions", "api_key", body=body, stream=stream)


class AsyncCompletions(Completions):
    @overload  # type: ignore[override]
    async def create(self, *, model: str, messages: Messages, stream: Literal[False] = False, **params: Any) -> ChatCompletion: ...

    @overload
    async def create(self, *, model: str, messages: Messages, stream: Literal[True], **params: Any) -> AsyncStream: ...

    @overload
    async def create(self, *, model: str, messages: Messages, stream: bool, **params: Any) -> Union[ChatCompletion, AsyncStream]: ...

    async def create(self, *, model: str, messages: Messages, stream: bool = False, **params: Any) -> Union[ChatCompletion, AsyncStream]:  # type: ignore[override]
        return await super().create(model=model, messages=messages, stream=stream, **params)  # type: ignore[misc]


class Chat(Resource):
    """OpenAI-compatible chat: ``chat.completions.create``."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.completions = Completions(client)


class AsyncChat(Chat):
    completions: AsyncCompletions

    def __init__(self, client: Any) -> None:
        Resource.__init__(self, client)  # not Chat's: its completions are the sync twin
        self.completions = AsyncCompletions(client)
