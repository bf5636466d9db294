"""The pipeline's story step: each stored batch grouped into its brands' stories.

It runs on the whole stored batch, not only the changed documents: membership makes it
idempotent (a member is never counted twice), and a document stored by a run that stopped
before grouping is grouped the next time it is ingested. Three store calls per batch: the
members already known, the candidate stories within the window of the batch's span, and one
write of what changed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from brandguard.store.base import in_time_order
from brandguard.stories.grouping import CentroidIndex, StoryBook
from brandguard.stories.items import story_items

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import tzinfo

    from brandguard.configuration.models import StorySettings
    from brandguard.document import Analysis, Document
    from brandguard.store.ports import StoryLog
    from brandguard.story import Story


class StoryTracker:
    def __init__(self, log: StoryLog, settings: StorySettings, tz: tzinfo) -> None:
        self.log, self.tz = log, tz
        self.rule = settings
        self.index = CentroidIndex()  # kept across batches: only changed stories re-index

    def group(self, items: Sequence[tuple[Document, Analysis]],
              reposts: Mapping[str, str]) -> list[Story]:
        """Place every document of a stored batch; returns the stories that changed."""
        now = datetime.now(UTC)
        entries = [entry for doc, analysis in in_time_order(items, now)
                   for entry in story_items(doc, analysis, doc.published_at or now,
                                            reposts.get(doc.id))]
        if not entries:
            return []
        pairs = [(e.brand, e.doc_id) for e in entries]
        pairs += [(e.brand, e.repost_of) for e in entries if e.repost_of]
        members = self.log.story_members(pairs)
        fresh = [e for e in entries if (e.brand, e.doc_id) not in members]
        if not fresh:
            return []
        times = [e.published for e in fresh]
        candidates = self.log.story_candidates(sorted({e.brand for e in fresh}),
                                               min(times) - self.rule.window,
                                               max(times) + self.rule.window)
        book = StoryBook(self.rule, self.tz, candidates, members, self.index)
        for entry in fresh:
            book.place(entry)
        changed = book.changed_stories()
        self.log.save_stories(changed, book.joined)
        return changed
