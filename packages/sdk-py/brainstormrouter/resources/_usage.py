from typing import Optional

from ._base import compact


def usage_query(
    *,
    from_: Optional[str] = None,
    to: Optional[str] = None,
    group_by: Optional[str] = None,
    limit: Optional[int] = None,
    cursor: Optional[str] = None,
) -> dict:
    """The usage routes' query: ``from`` is a Python keyword, so the SDK takes it as ``from_``."""
    return compact(**{"from": from_, "to": to, "group_by": group_by, "limit": limit, "cursor": cursor})
