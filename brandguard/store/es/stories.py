"""The Elasticsearch store's stories, in `<prefix>-state` beside incidents: one document per
story (`story:<id>`, its record in `body`, with the brand and span as filter fields) and one
per (brand, document) member, named by a digest of the pair so membership is read with one
real-time multi-get (a search would miss members written since the last refresh)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from elasticsearch.helpers import bulk

from brandguard.story import CANDIDATES, Story

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from datetime import datetime

    from elasticsearch import Elasticsearch

    from brandguard.store.story_cache import StoryCache
    from brandguard.story import StoryMember

PAGE = 1000


def member_id(brand: str, doc_id: str) -> str:
    digest = hashlib.blake2b(f"{brand}\x1f{doc_id}".encode(), digest_size=16).hexdigest()
    return f"story-member:{digest}"


class StoriesMixin:
    client: Elasticsearch
    state: str
    _story_cache: StoryCache

    def _stories(self, brands: Sequence[str], clauses: list[dict[str, Any]],
                 sort: list[Any], size: int) -> list[Story]:
        if not brands:
            return []
        query = {"bool": {"filter": [{"term": {"type": "story"}},
                                     {"terms": {"brand": list(brands)}}, *clauses]}}
        found = self.client.search(index=self.state, query=query, sort=sort, size=size)
        return [Story.from_json(h["_source"]["body"]) for h in found["hits"]["hits"]]

    def story_candidates(self, brands: Sequence[str], since: datetime,
                         until: datetime) -> list[Story]:
        """The candidates' ids and `_version`s from one search without their bodies; only
        the stories not parsed at that version are fetched (one real-time multi-get per
        `PAGE`; `brandguard.store.story_cache`)."""
        if not brands:
            return []
        query = {"bool": {"filter": [
            {"term": {"type": "story"}}, {"terms": {"brand": list(brands)}},
            {"range": {"last_evidence_at": {"gte": since.isoformat()}}},
            {"range": {"opened_at": {"lte": until.isoformat()}}}]}}
        hits = self.client.search(index=self.state, query=query, source=False, version=True,
                                  sort=[{"last_evidence_at": "desc"}, {"name": "asc"}],
                                  size=CANDIDATES)["hits"]["hits"]
        listed = [(h["_id"], int(h["_version"])) for h in hits]
        stale = self._story_cache.stale(listed)
        for start in range(0, len(stale), PAGE):
            docs = self.client.mget(index=self.state, ids=stale[start:start + PAGE],
                                    source_includes=["body"])["docs"]
            for doc in docs:
                if doc.get("found"):
                    self._story_cache.put(doc["_id"], int(doc["_version"]),
                                          Story.from_json(doc["_source"]["body"]))
        return self._story_cache.take([story_id for story_id, _ in listed])

    def story_members(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        unique = list(dict.fromkeys(pairs))
        found: dict[tuple[str, str], str] = {}
        for start in range(0, len(unique), PAGE):
            chunk = unique[start:start + PAGE]
            docs = self.client.mget(index=self.state,
                                    ids=[member_id(b, d) for b, d in chunk])["docs"]
            found.update((pair, doc["_source"]["name"]) for pair, doc in zip(chunk, docs,
                                                                          strict=True)
                         if doc.get("found"))
        return found

    def save_stories(self, stories: Sequence[Story], members: Sequence[StoryMember]) -> None:
        """Members first: a story is never visible with members the store has not got."""
        actions: list[dict[str, Any]] = [
            {"_op_type": "create", "_index": self.state, "_id": member_id(m.brand, m.doc_id),
             "_source": {"type": "story_member", "brand": m.brand, "key": m.doc_id,
                         "name": m.story}} for m in members]
        actions += [{"_op_type": "index", "_index": self.state, "_id": f"story:{s.id}",
                     "_source": {"type": "story", "brand": s.brand, "name": s.id,
                                 "opened_at": s.first_at.isoformat(),
                                 "last_evidence_at": s.last_at.isoformat(),
                                 "order": s.documents, "body": s.to_json()}}
                    for s in stories]
        _, errors = bulk(self.client, actions, refresh=True, raise_on_error=False)
        failed = [e for e in errors if not _already(e)] if isinstance(errors, list) else []
        if failed:
            raise RuntimeError(f"Elasticsearch refused {len(failed)} story write(s): "
                               f"{failed[0]}")

    def list_stories(self, brands: Sequence[str], since: datetime, until: datetime,
                     limit: int = 20, min_documents: int = 1) -> list[Story]:
        return self._stories(brands, [
            {"range": {"last_evidence_at": {"gte": since.isoformat()}}},
            {"range": {"opened_at": {"lt": until.isoformat()}}},
            {"range": {"order": {"gte": min_documents}}}],
            [{"order": "desc"}, {"opened_at": "asc"}, {"name": "asc"}], limit)

    def get_story(self, story_id: str) -> Story | None:
        found = self.client.mget(index=self.state, ids=[f"story:{story_id}"])["docs"][0]
        return Story.from_json(found["_source"]["body"]) if found.get("found") else None

    def scan_stories(self, batch: int = 500) -> Iterator[tuple[Story, list[str]]]:
        after: list[Any] | None = None
        while True:
            page = self._page({"term": {"type": "story"}}, [{"name": "asc"}], batch, after)
            if not page:
                return
            after = page[-1]["sort"]
            stories = [Story.from_json(h["_source"]["body"]) for h in page]
            members = self._members_of([s.id for s in stories])
            for story in stories:
                yield story, sorted(members.get(story.id, []))

    def _members_of(self, story_ids: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        after: list[Any] | None = None
        clause = {"bool": {"filter": [{"term": {"type": "story_member"}},
                                      {"terms": {"name": story_ids}}]}}
        while page := self._page(clause, [{"name": "asc"}, {"key": "asc"}], PAGE, after):
            after = page[-1]["sort"]
            for hit in page:
                out.setdefault(hit["_source"]["name"], []).append(hit["_source"]["key"])
        return out

    def _page(self, query: dict[str, Any], sort: list[Any], size: int,
              after: list[Any] | None) -> list[Any]:
        options: dict[str, Any] = {"search_after": after} if after is not None else {}
        found = self.client.search(index=self.state, query=query, sort=sort, size=size,
                                   **options)
        return list(found["hits"]["hits"])


def _already(error: dict[str, Any]) -> bool:
    """A member created twice (two writers, or a retried batch) is not an error."""
    return any(v.get("status") == 409 for v in error.values() if isinstance(v, dict))
