"""Server-sent events of an OpenAI-style stream: each ``data:`` line is one JSON chunk, ``[DONE]`` ends it."""
import asyncio
import json
from typing import Any, AsyncIterator, Iterator, List, Optional


class _Events:
    """Turns lines into chunks; events end with a blank line (WHATWG SSE)."""

    def __init__(self) -> None:
        self.data: List[str] = []
        self.done = False

    def feed(self, raw: bytes) -> Optional[Any]:
        line = raw.decode("utf-8").rstrip("\r\n")
        if line.startswith("data:"):
            self.data.append(line[5:].lstrip())
            return None
        if line or not self.data:
            return None
        data, self.data = "\n".join(self.data), []
        if data == "[DONE]":
            self.done = True
            return None
        return json.loads(data)


class Stream:
    """Iterate once with ``for``; ``close()`` drops the connection early."""

    def __init__(self, response: Any) -> None:
        self._response = response

    def __iter__(self) -> Iterator[Any]:
        events = _Events()
        try:
            for raw in self._response:
                chunk = events.feed(raw)
                if events.done:
                    return
                if chunk is not None:
                    yield chunk
        finally:
            self.close()

    def close(self) -> None:
        self._response.close()


class AsyncStream:
    """Iterate once with ``async for``; each line is read in a worker thread."""

    def __init__(self, response: Any) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[Any]:
        events = _Events()
        try:
            while True:
                raw = await asyncio.to_thread(self._response.readline)
                if not raw:
                    return
                chunk = events.feed(raw)
                if events.done:
                    return
                if chunk is not None:
                    yield chunk
        finally:
            await self.close()

    async def close(self) -> None:
        await asyncio.to_thread(self._response.close)
