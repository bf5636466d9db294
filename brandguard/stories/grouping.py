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
import operator
from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from brandguard.story import ARTICLES, TERMS, Story, StoryArticle, StoryMember, story_id

SEEDS = 3
"""Own-words members whose terms make the centroid: later ones join it without moving it, so a
story does not drift into its topic's vocabulary and swallow the next event like it."""

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import tzinfo

    from brandguard.configuration.models import StorySettings
    from brandguard.stories.items import StoryItem


class StoryBook:
    """The stories a batch may touch, the members known, and what the batch changed."""

    def __init__(self, rule: StorySettings, tz: tzinfo, stories: Iterable[Story] = (),
                 members: dict[tuple[str, str], str] | None = None) -> None:
        self.rule, self.tz = rule, tz
        self.stories: dict[str, Story] = {}
        self.members = dict(members or {})
        # brand -> centroid term -> story ids: one small dict per brand, not one dict of
        # every (brand, term), which is slow to probe once it outgrows the CPU caches
        self.index: dict[str, dict[str, set[str]]] = defaultdict(dict)
        self.norms: dict[str, float] = {}
        self.changed: set[str] = set()
        self.joined: list[StoryMember] = []
        for story in stories:
            self._keep(story)

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
        index = self.index.get(item.brand, {})
        for term in item.terms:
            for found in index.get(term, ()):
                shared[found].append(term)
        norm = item.norm
        scored: list[tuple[float, str]] = []
        for found, terms in shared.items():
            story = self.stories[found]
            if len(terms) < self.rule.min_shared or not self._in_window(story, item):
                continue
            score = cosine(item.terms, norm, story.terms, self.norms[found], terms)
            if score >= self.rule.similarity:
                scored.append((score, found))
        if not scored:
            return None
        return self.stories[max(scored, key=lambda s: (s[0], _earlier(self.stories[s[1]])))[1]]

    def _in_window(self, story: Story, item: StoryItem) -> bool:
        return (story.first_at - self.rule.window <= item.published
                <= story.last_at + self.rule.window)

    def _start(self, item: StoryItem) -> str:
        story = Story(story_id(item.brand, item.doc_id), item.brand, item.published,
                      item.published, (_article(item),), documents=0)
        return self._join(story, item, repost=False)

    def _join(self, story: Story, item: StoryItem, *, repost: bool) -> str:
        day = item.published.astimezone(self.tz).date().isoformat()
        sources = dict(story.sources)
        sources[item.source] = sources.get(item.source, 0) + 1
        timeline = dict(story.timeline)
        timeline[day] = timeline.get(day, 0) + 1
        own = story.documents - story.reposts
        terms = story.terms if repost or own >= SEEDS else _merged(story.terms, item.terms)
        updated = replace(
            story, first_at=min(story.first_at, item.published),
            last_at=max(story.last_at, item.published),
            articles=_articles(story.articles, item) if story.documents else story.articles,
            documents=story.documents + 1, reposts=story.reposts + int(repost),
            negative=story.negative + int(item.negative), sources=sources, timeline=timeline,
            terms=terms, categories=tuple(sorted(set(story.categories) | item.categories)))
        if terms is story.terms:  # the centroid did not move: its index entries stand
            self.stories[updated.id] = updated
        else:
            self._drop_index(story)
            self._keep(updated)
        self.changed.add(updated.id)
        self.members[(item.brand, item.doc_id)] = updated.id
        self.joined.append(StoryMember(item.brand, item.doc_id, updated.id))
        return updated.id

    def _keep(self, story: Story) -> None:
        """Hold `story`, index its centroid terms and their norm (computed once per change,
        not once per candidate comparison)."""
        self.stories[story.id] = story
        weights = story.terms.values()
        self.norms[story.id] = math.sqrt(sum(map(operator.mul, weights, weights)))
        index = self.index[story.brand]
        for term in story.terms:
            found = index.get(term)
            if found is None:
                index[term] = {story.id}
            else:
                found.add(story.id)

    def _drop_index(self, story: Story) -> None:
        index = self.index[story.brand]
        for term in story.terms:
            index[term].discard(story.id)

    def changed_stories(self) -> list[Story]:
        return [self.stories[i] for i in sorted(self.changed)]


def cosine(terms: dict[str, float], norm: float, centroid: dict[str, float],
           other: float, shared: Iterable[str]) -> float:
    """Cosine of two term vectors given their norms; only `shared` terms contribute."""
    if not norm or not other:
        return 0.0
    return sum(terms[t] * centroid[t] for t in shared) / (norm * other)


def _merged(centroid: dict[str, float], terms: dict[str, float]) -> dict[str, float]:
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


def _earlier(story: Story) -> float:
    """On a tie, the older story wins (negated so `max` prefers it)."""
    return -story.first_at.timestamp()
