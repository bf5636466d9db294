"""A story reposted over and over: the store write's cost when one text is copied thousands
of times (a viral 转载 wave), beside the ordinary sample's in the same run.

Every copy shares every MinHash band key with every earlier one, so a repost probe that read
each earlier copy made the write quadratic: 4,000 copies took nine times as long as 4,000
different texts. `bench ingest --flood N` stores N copies of the sample's first long text
(each its own id, URL and minute) as the pipeline stores a batch, and prints the rate beside
the sample's own, so a probe that grows with the story shows as a falling ratio.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from brandguard.neardup import foldable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.document import Analysis, Document


def copies(items: Sequence[tuple[Document, Analysis]], count: int,
           ) -> list[tuple[Document, Analysis]]:
    """`count` copies of the first foldable document of `items` and its analysis, a minute
    apart from its publication time on."""
    doc, analysis = next((d, a) for d, a in items if foldable(d.full_text, a.dedup_keys))
    start = doc.published_at or datetime(2026, 11, 1, tzinfo=UTC)
    out = []
    for i in range(count):
        copy_id = f"flood-{i}"
        out.append((dataclasses.replace(doc, id=copy_id, url=f"http://flood.example/{i}",
                                        published_at=start + timedelta(minutes=i)),
                    dataclasses.replace(analysis, id=copy_id)))
    return out
