"""Cursor pages (``{"data": [...], "next_cursor"}``): iterate a page to walk every later item too."""
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Generator, Iterator, List, Optional

FetchPage = Callable[[Optional[str]], Any]


class SyncCursorPage:
    def __init__(self, fetch: FetchPage, response: Dict[str, Any]) -> None:
        self._fetch = fetch
        self.data: List[Any] = response["data"]
        self.next_cursor: Optional[str] = response.get("next_cursor")

    def has_next_page(self) -> bool:
        return self.next_cursor is not None

    def get_next_page(self) -> "SyncCursorPage":
        if self.next_cursor is None:
            raise RuntimeError("No next page; check has_next_page() first.")
        return SyncCursorPage(self._fetch, self._fetch(self.next_cursor))

    def iter_pages(self) -> Iterator["SyncCursorPage"]:
        page = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[Any]:
        for page in self.iter_pages():
            yield from page.data


class AsyncCursorPage:
    def __init__(self, fetch: Callable[[Optional[str]], Awaitable[Dict[str, Any]]], response: Dict[str, Any]) -> None:
        self._fetch = fetch
        self.data: List[Any] = response["data"]
        self.next_cursor: Optional[str] = response.get("next_cursor")

    def has_next_page(self) -> bool:
        return self.next_cursor is not None

    async def get_next_page(self) -> "AsyncCursorPage":
        if self.next_cursor is None:
            raise RuntimeError("No next page; check has_next_page() first.")
        return AsyncCursorPage(self._fetch, await self._fetch(self.next_cursor))

    async def iter_pages(self) -> AsyncIterator["AsyncCursorPage"]:
        page = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[Any]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPaginator:
    """What async list methods return: ``await`` it for the first page, ``async for`` it for every item."""

    def __init__(self, fetch: Callable[[Optional[str]], Awaitable[Dict[str, Any]]], cursor: Optional[str]) -> None:
        self._fetch = fetch
        self._cursor = cursor

    async def _first(self) -> AsyncCursorPage:
        return AsyncCursorPage(self._fetch, await self._fetch(self._cursor))

    def __await__(self) -> Generator[Any, None, AsyncCursorPage]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[Any]:
        async for item in await self._first():
            yield item
