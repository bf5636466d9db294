"""Items in lists of a fixed size: how analysis, store copies and grouping walk a stream."""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

T = TypeVar("T")


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last shorter): itertools.batched from Python 3.12."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
