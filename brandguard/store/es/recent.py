"""What this process wrote since the documents were last refreshed, so writes need no refresh.

Elasticsearch makes a write searchable only at the next refresh (every second, or forced).
Forcing one before every bulk batch, so the batch's near-duplicate probe and "is this id
already stored, unchanged?" lookup see the previous batch, would cost more than the bulk
itself on a small node. Instead the store remembers its own unrefreshed writes here, with an
index by MinHash band key, and consults them beside the search results; a read (or this
memory reaching `LIMIT` entries) refreshes and forgets them. Writes by other processes in the
last second can be missed by the repost probe: a repost then counts once more, never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from brandguard.neardup import earliest_in_window

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from brandguard.neardup import Candidate

LIMIT = 5000


@dataclass
class RecentWrites:
    stored: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (index, digest)
    texts: dict[str, Candidate] = field(default_factory=dict)
    by_key: dict[int, dict[str, None]] = field(default_factory=dict)  # ids in write order

    def __len__(self) -> int:
        return len(self.stored)

    def add(self, doc_id: str, index: str, digest: str, text: Candidate | None) -> None:
        self.forget([doc_id])
        self.stored[doc_id] = (index, digest)
        if text is not None:
            self.texts[doc_id] = text
            for key in text.keys:
                self.by_key.setdefault(key, {})[doc_id] = None

    def forget(self, ids: Iterable[str]) -> None:
        for doc_id in ids:
            self.stored.pop(doc_id, None)
            old = self.texts.pop(doc_id, None)
            for key in old.keys if old else ():
                self.by_key[key].pop(doc_id, None)

    def sharing(self, keys: Iterable[int], published: datetime) -> list[Candidate]:
        """Per band key, the earliest written texts within the repost window of
        `published` (brandguard.neardup `earliest_in_window`): in a repost flood this
        memory holds thousands of copies sharing every key, and a new one reads a few."""
        found: dict[str, Candidate] = {}
        for key in keys:
            written = map(self.texts.__getitem__, self.by_key.get(key, {}))
            found.update((c.id, c) for c in earliest_in_window(written, published))
        return list(found.values())

    def clear(self) -> None:
        self.stored.clear()
        self.texts.clear()
        self.by_key.clear()
