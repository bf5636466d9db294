"""Where a document goes: single-pass clustering per brand within a time window.

Each brand's open stories hold a centroid (the summed terms of their own-words members, the
top `brandguard.story.TERMS` kept). A new document, taken in publication order:
- is already a member (re-ingested, or an edit): nothing changes, it is never counted twice;
- is a repost (the store folded it as a near-duplicate) of a member: it joins that story as
  a repost, without moving the centroid;
- otherwise joins the story, among those whose span it falls within `window` of, with the
  highest cosine between its terms and the centroid, if that reaches `similarity` and they
  share at least `min_shared` terms (one shared word is a coincidence, two are a topic);
- or starts a story of its own.
Candidates are found through an inverted index of centroid terms, so a brand with thousands
of recent stories costs what its shared terms cost, not a comparison with each.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING, TypeAlias

from brandguard.story import ARTICLES, TERMS, Story, StoryArticle, StoryMember, story_id

SEEDS = 3
"""Own-words members whose terms make the centroid: later ones join it without moving it, so a
story does not drift into its topic's vocabulary and swallow the next event like it."""

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime, tzinfo

    from brandguard.configuration.models import StorySettings
    from brandguard.stories.items import StoryItem


Postings: TypeAlias = "str | set[str]"
"""The stories a centroid term is in: one story's id, else a set of two or more. Nearly
every term is in one story (most stories are a single document), and a set per term was
most of what indexing a new story cost (9 µs against 2 for 24 terms)."""


def story_ids(postings: Postings) -> set[str]:
    """The ids `postings` stands for, as a set (a copy: changing it changes no index)."""
    return {postings} if isinstance(postings, str) else set(postings)


class CentroidIndex:
    """brand -> centroid term -> `Postings`, and each story's norm, for the stories held.

    A tracker keeps one across batches: `hold` re-indexes only the stories that changed
    since the last batch (a store hands back the same parsed object for a story it has not
    seen written since), not every candidate each time.
    """

    def __init__(self) -> None:
        # one small dict per brand, not one dict of every (brand, term), which is slow to
        # probe once it outgrows the CPU caches
        self.terms: dict[str, dict[str, Postings]] = defaultdict(dict)
        self.norms: dict[str, float] = {}
        self.held: dict[str, Story] = {}

    def hold(self, stories: Iterable[Story]) -> dict[str, Story]:
        """Index exactly `stories` (by id); returns them by id."""
        wanted = {story.id: story for story in stories}
        same = sum(1 for i, story in wanted.items() if self.held.get(i) is story)
        if same < len(self.held) // 2:  # mostly new: building afresh is cheaper
            self.terms.clear()
            self.norms.clear()
            self.held.clear()
        for story_id_, story in list(self.held.items()):
            if wanted.get(story_id_) is not story:
                self.drop(story)
        for story_id_, story in wanted.items():
            if story_id_ not in self.held:
                self.add(story)
        return wanted

    def add(self, story: Story) -> None:
        """Index `story`'s centroid terms and its norm (computed once per change, not once
        per candidate comparison; `fsum`, so the order the terms are held in is moot)."""
        self.held[story.id] = story
        self.norms[story.id] = math.sqrt(math.fsum(w * w for w in story.terms.values()))
        index, new = self.terms[story.brand], story.id
        for term in story.terms:
            found = index.get(term)
            if found is None:
                index[term] = new
            elif isinstance(found, str):
                if found != new:
                    index[term] = {found, new}
            else:
                found.add(new)

    def drop(self, story: Story) -> None:
        """Unindex `story`; a term left in one story goes back to its id alone, and one in
        none is deleted (a long run meets ever new terms: none stays indexed empty)."""
        index, gone = self.terms[story.brand], story.id
        for term in story.terms:
            found = index[term]
            if isinstance(found, str):
                del index[term]
                continue
            found.discard(gone)
            if len(found) == 1:
                index[term] = next(iter(found))
        del self.held[story.id], self.norms[story.id]

    def update(self, old: Story, new: Story) -> None:
        """`new` replaces `old` (the same story after a member joined)."""
        if new.terms is old.terms:  # the centroid did not move: its entries stand
            self.held[new.id] = new
        else:
            self.drop(old)
            self.add(new)


class StoryBook:
    """The stories a batch may touch, the members known, and what the batch changed."""

    def __init__(self, rule: StorySettings, tz: tzinfo, stories: Iterable[Story] = (),
                 members: dict[tuple[str, str], str] | None = None,
                 index: CentroidIndex | None = None) -> None:
        self.rule, self.tz = rule, tz
        self.index = index if index is not None else CentroidIndex()
        self.stories: dict[str, Story] = self.index.hold(stories)
        self.members = dict(members or {})
        self.changed: set[str] = set()
        self.joined: list[StoryMember] = []
        self._days: dict[datetime, str] = {}

    def place(self, item: StoryItem) -> str:
        """The id of the story `item` is in after this call."""
        known = self.members.get((item.brand, item.doc_id))
        if known is not None:
            return known
        original = (self.members.get((item.brand, item.repost_of))
                    if item.repost_of else None)
        if original is not None and original in self.stories:
            return self._join(self.stories[original], item, repost=True)
        best = self.best(item)
        if best is not None:
            return self._join(best, item, repost=False)
        return self._start(item)

    def best(self, item: StoryItem) -> Story | None:
        """The most similar story within the window that passes the rule, or None."""
        shared: dict[str, list[str]] = defaultdict(list)
        index = self.index.terms.get(item.brand, {})
        for term in item.terms:
            found = index.get(term)
            if found is None:
                continue
            if isinstance(found, str):
                shared[found].append(term)
            else:
                for other in found:
                    shared[other].append(term)
        norm = item.norm
        scored: list[tuple[float, datetime, str]] = []
        for found, terms in shared.items():
            story = self.stories[found]
            if len(terms) < self.rule.min_shared or not self._in_window(story, item):
                continue
            score = cosine(item.terms, norm, story.terms, self.index.norms[found], terms)
            if score >= self.rule.similarity:
                scored.append((-score, story.first_at, found))
        if not scored:
            return None
        return self.stories[min(scored)[2]]  # the most similar; on a tie the older, then by id

    def _in_window(self, story: Story, item: StoryItem) -> bool:
        return (story.first_at - self.rule.window <= item.published
                <= story.last_at + self.rule.window)

    def _start(self, item: StoryItem) -> str:
        """A story of one document (built whole: most documents start one)."""
        story = Story(story_id(item.brand, item.doc_id), item.brand, item.published,
                      item.published, (_article(item),), documents=1, reposts=0,
                      negative=int(item.negative), sources={item.source: 1},
                      timeline={self._day(item): 1}, terms=_merged(None, item.terms),
                      categories=tuple(sorted(item.categories)))
        self.index.add(story)
        return self._record(story, item)

    def _day(self, item: StoryItem) -> str:
        """Its calendar day in the zone (a document's items, one per brand, share it)."""
        day = self._days.get(item.published)
        if day is None:
            day = self._days[item.published] = item.published.astimezone(self.tz).date(
                ).isoformat()
        return day

    def _join(self, story: Story, item: StoryItem, *, repost: bool) -> str:
        day = self._day(item)
        sources = dict(story.sources)
        sources[item.source] = sources.get(item.source, 0) + 1
        timeline = dict(story.timeline)
        timeline[day] = timeline.get(day, 0) + 1
        own = story.documents - story.reposts
        terms = story.terms if repost or own >= SEEDS else _merged(story.terms, item.terms)
        updated = replace(
            story, first_at=min(story.first_at, item.published),
            last_at=max(story.last_at, item.published),
            articles=_articles(story.articles, item), documents=story.documents + 1,
            reposts=story.reposts + int(repost),
            negative=story.negative + int(item.negative), sources=sources, timeline=timeline,
            terms=terms, categories=tuple(sorted(set(story.categories) | item.categories)))
        self.index.update(story, updated)
        return self._record(updated, item)

    def _record(self, story: Story, item: StoryItem) -> str:
        """`item` is now in `story` (this batch changed it)."""
        self.stories[story.id] = story
        self.changed.add(story.id)
        self.members[(item.brand, item.doc_id)] = story.id
        self.joined.append(StoryMember(item.brand, item.doc_id, story.id))
        return story.id

    def changed_stories(self) -> list[Story]:
        return [self.stories[i] for i in sorted(self.changed)]


def cosine(terms: dict[str, float], norm: float, centroid: dict[str, float],
           other: float, shared: Iterable[str]) -> float:
    """Cosine of two term vectors given their norms; only `shared` terms contribute."""
    if not norm or not other:
        return 0.0
    return sum(terms[t] * centroid[t] for t in shared) / (norm * other)


def _merged(centroid: dict[str, float] | None, terms: dict[str, float]) -> dict[str, float]:
    """The centroid plus `terms`, its heaviest `TERMS` kept; None: a new story's."""
    if centroid is None:
        summed = dict(terms)
    else:
        summed = dict(centroid)
        for term, weight in terms.items():
            summed[term] = summed.get(term, 0.0) + weight
    if len(summed) <= TERMS:
        return summed
    return dict(heapq.nlargest(TERMS, summed.items(), key=lambda t: (t[1], t[0])))


def _article(item: StoryItem) -> StoryArticle:
    return StoryArticle(item.doc_id, item.published, item.source, item.title, item.url,
                        item.kind)


def _articles(articles: tuple[StoryArticle, ...], item: StoryItem) -> tuple[StoryArticle, ...]:
    """The earliest article of each source, earliest first, at most `ARTICLES`; an article
    published before a source's kept one replaces it (documents can arrive late)."""
    by_source = {a.source: a for a in articles}
    kept = by_source.get(item.source)
    if kept is None or (item.published, item.doc_id) < (kept.published, kept.id):
        by_source[item.source] = _article(item)
    ordered = sorted(by_source.values(), key=lambda a: (a.published, a.id))
    return tuple(ordered[:ARTICLES])
