"""Undoing a subscription to a plain list of listeners."""

from __future__ import annotations


class Unsubscribe[T]:
    """Takes ``item`` out of ``items`` when called, as ``lambda: items.remove(item)`` would.

    Every entity holds one for as long as it is set up, so it is kept small:
    with slots it is about a sixth of the closure's size.
    """

    __slots__ = ("_item", "_items")

    def __init__(self, items: list[T], item: T) -> None:
        self._items = items
        self._item = item

    def __call__(self) -> None:
        self._items.remove(self._item)
