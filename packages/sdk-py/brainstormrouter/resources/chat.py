from typing import Any, List, Mapping

from ._base import Resource


class Completions(Resource):
    def create(self, *, model: str, messages: List[Mapping[str, Any]], stream: bool = False, **params: Any) -> Any:
        """OpenAI-compatible chat completion; with ``stream=True``, chunks to iterate as they arrive."""
        body = {**params, "model": model, "messages": messages, "stream": stream}
        return self._request("POST", "/v1/chat/completions", "api_key", body=body, stream=stream)


class Chat(Resource):
    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.completions = Completions(client)
