"""Parsed stories by id and the version each was parsed at, least recently used out first.

Every stored batch asks its store again for its brands' open stories (up to
`brandguard.story.CANDIDATES`), and most have not changed since the batch before. Both
backends list the candidates' ids with their versions (SQLite: the version each write
stamps; Elasticsearch: the document's `_version`), read only the bodies this cache does not
hold at that version, and put what they write themselves. A story written by another
process has a new version, so it is read again, never served stale. Handing back the same
object for an unchanged story is also what lets the tracker's centroid index skip it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from brandguard.story import CANDIDATES

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from brandguard.story import Story

CACHED_STORIES = 2 * CANDIDATES
"""A batch's candidates and what it wrote, with room to spare."""


class StoryCache:
    def __init__(self, limit: int = CACHED_STORIES) -> None:
        self.limit = limit
        self._held: dict[str, tuple[int, Story]] = {}

    def stale(self, listed: Iterable[tuple[str, int]]) -> list[str]:
        """The ids among (id, version) pairs not held at that version."""
        held = self._held
        return [i for i, version in listed if (i not in held or held[i][0] != version)]

    def put(self, story_id: str, version: int, story: Story) -> None:
        self._held.pop(story_id, None)
        self._held[story_id] = (version, story)

    def take(self, story_ids: Sequence[str]) -> list[Story]:
        """The held stories of `story_ids`, in that order (an id not held is left out:
        deleted since it was listed), each marked as just used; then the least recently
        used beyond the limit are let go."""
        found = []
        for story_id in story_ids:
            entry = self._held.pop(story_id, None)
            if entry is not None:
                self._held[story_id] = entry
                found.append(entry[1])
        self.evict()
        return found

    def evict(self) -> None:
        excess = len(self._held) - self.limit
        if excess > 0:
            for story_id in list(itertools.islice(self._held, excess)):
                del self._held[story_id]
