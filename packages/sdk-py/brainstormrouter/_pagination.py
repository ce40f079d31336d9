"""Cursor pages (``{"data": [...], "next_cursor"}``): iterate a page to walk every later item too.

Each is generic in its item type, e.g. ``SyncCursorPage[AdminTenant]`` (see ``brainstormrouter.types``).
"""
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Generator, Generic, Iterator, List, Optional, TypeVar

T = TypeVar("T")
FetchPage = Callable[[Optional[str]], Any]


class SyncCursorPage(Generic[T]):
    """One page: ``data`` and ``next_cursor`` as the server sent them; ``for`` walks this page and every later one."""

    def __init__(self, fetch: FetchPage, response: Dict[str, Any]) -> None:
        self._fetch = fetch
        self.data: List[T] = response["data"]
        self.next_cursor: Optional[str] = response.get("next_cursor")

    def has_next_page(self) -> bool:
        """Whether the server said there is more (``next_cursor`` is set)."""
        return self.next_cursor is not None

    def get_next_page(self) -> "SyncCursorPage[T]":
        """Fetches the page after this one; raises RuntimeError when there is none."""
        if self.next_cursor is None:
            raise RuntimeError("No next page; check has_next_page() first.")
        return SyncCursorPage(self._fetch, self._fetch(self.next_cursor))

    def iter_pages(self) -> Iterator["SyncCursorPage[T]"]:
        """This page, then each later one as it is fetched."""
        page: SyncCursorPage[T] = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncCursorPage(Generic[T]):
    """One page of an async list; ``async for`` walks this page and every later one."""

    def __init__(self, fetch: Callable[[Optional[str]], Awaitable[Dict[str, Any]]], response: Dict[str, Any]) -> None:
        self._fetch = fetch
        self.data: List[T] = response["data"]
        self.next_cursor: Optional[str] = response.get("next_cursor")

    def has_next_page(self) -> bool:
        """Whether the server said there is more (``next_cursor`` is set)."""
        return self.next_cursor is not None

    async def get_next_page(self) -> "AsyncCursorPage[T]":
        """Fetches the page after this one; raises RuntimeError when there is none."""
        if self.next_cursor is None:
            raise RuntimeError("No next page; check has_next_page() first.")
        return AsyncCursorPage(self._fetch, await self._fetch(self.next_cursor))

    async def iter_pages(self) -> AsyncIterator["AsyncCursorPage[T]"]:
        """This page, then each later one as it is fetched."""
        page: AsyncCursorPage[T] = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPaginator(Generic[T]):
    """What async list methods return: ``await`` it for the first page, ``async for`` it for every item."""

    def __init__(self, fetch: Callable[[Optional[str]], Awaitable[Dict[str, Any]]], cursor: Optional[str]) -> None:
        self._fetch = fetch
        self._cursor = cursor

    async def _first(self) -> AsyncCursorPage[T]:
        return AsyncCursorPage(self._fetch, await self._fetch(self._cursor))

    def __await__(self) -> Generator[Any, None, AsyncCursorPage[T]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for item in await self._first():
            yield item
