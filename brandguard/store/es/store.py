"""The Elasticsearch store: the same contract as the SQLite one (tests/store runs both).

Writes go through `bulk.Bulk`: slices in flight at once, 429s retried, each item's outcome
read on its own, so a refused document is reported and the rest of the batch kept. Ids are
the documents' deterministic ids, so a retried batch is an idempotent upsert. A document
whose publication time moved to another month is indexed into the new month's index, and
its old copy deleted once the new one is stored.

Reads see this process's own writes: a write marks the documents dirty and the next read
refreshes the alias first. Other processes see them after the index's refresh interval (1 s).
"""

from __future__ import annotations

import base64
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from elasticsearch import BadRequestError, Elasticsearch

from brandguard.errors import StoreRejected, StoreUnavailable
from brandguard.neardup import REPOST_WINDOW, Candidate, earliest_in_window, first_copy
from brandguard.store.base import (
    KEYWORD_SAMPLE,
    CountRow,
    DamageCountRow,
    SearchQuery,
    SearchResult,
    Store,
    StoredDocument,
    UpsertResult,
    WriteForm,
    hit_json,
    in_time_order,
    write_forms,
)
from brandguard.store.es import mappings
from brandguard.store.es.bulk import Bulk, Slices
from brandguard.store.es.client import UNREACHABLE, make_client, redacted, wait_for_cluster
from brandguard.store.es.queries import (
    POLARITIES,
    Encoded,
    band_keys,
    bool_query,
    encode,
    filters,
    hydrate,
    mentioned,
    month_index,
    time_range,
    to_source,
)
from brandguard.store.es.recent import LIMIT as RECENT_LIMIT
from brandguard.store.es.recent import RecentWrites
from brandguard.store.es.state import StateMixin
from brandguard.store.es.stories import StoriesMixin
from brandguard.store.story_cache import StoryCache

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from brandguard.configuration.models import Settings
    from brandguard.document import Analysis, Document, Polarity

log = logging.getLogger(__name__)

KINDS = 100  # distinct document kinds counted (a handful in practice)
CANDIDATES = 2000  # stored documents sharing a band with a batch: plenty for a repost
_HYDRATE = ["doc", "analysis", "ingested_at", "duplicate_of"]


class ElasticsearchStore(StateMixin, StoriesMixin, Store):
    @classmethod
    def open(cls, url: str, settings: Settings) -> ElasticsearchStore:
        """`http(s)://host:9200` (credentials from the environment, see README)."""
        return cls(url, settings)

    def __init__(self, url: str, settings: Settings,
                 client: Elasticsearch | None = None) -> None:
        es = settings.elasticsearch
        self.url, self.tz, self.prefix = url, settings.tz, es.index_prefix
        self.similarity = settings.analysis.near_duplicate_similarity
        self.client = client or make_client(url, es)
        self.bulk = Bulk(self.client, es.bulk_batch, es.bulk_workers)
        wait_for_cluster(self.client, url, es.connect_wait)
        self.alias = mappings.docs_alias(self.prefix)
        self.state = mappings.state_index(self.prefix)
        self._dirty = False
        self._recent = RecentWrites()
        self._story_cache = StoryCache()
        self._last_seq = 0
        self._install(es.shards, es.replicas, es.text_analyzer)

    def _install(self, shards: int, replicas: int, analyzer: str) -> None:
        self.client.indices.put_index_template(
            name=f"{self.prefix}-docs",
            **mappings.docs_template(self.prefix, shards, replicas, analyzer))
        if not self.client.indices.exists(index=self.state):
            try:
                self.client.indices.create(index=self.state, **mappings.state_body(replicas))
            except BadRequestError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
        current = month_index(self.prefix, datetime.now(UTC))
        if not self.client.indices.exists(index=current):
            self.client.indices.create(index=current)  # the template maps it and adds the alias
        self._add_fields()
        self.check_mappings()

    def _add_fields(self) -> None:
        """Indices made before a field was added get it (additive, allowed in place)."""
        existing = self.client.indices.get_mapping(index=f"{self.prefix}-docs-*")
        stale = [index for index, body in existing.body.items()
                 if set(mappings.ADDED_FIELDS) - set(body["mappings"].get("properties", {}))]
        if stale:
            self.client.indices.put_mapping(index=",".join(stale),
                                            properties=mappings.ADDED_FIELDS)

    def check_mappings(self) -> None:
        """Refuse to run on indices whose existing mappings disagree with ours, naming them."""
        found: list[str] = []
        existing = self.client.indices.get_mapping(index=f"{self.prefix}-docs-*,{self.state}")
        for index, body in existing.body.items():
            expected = (mappings.STATE_PROPERTIES if index == self.state
                        else mappings.DOC_PROPERTIES)
            found += mappings.conflicts(expected, body["mappings"].get("properties", {}), index)
        if found:
            raise StoreRejected("Elasticsearch mapping conflict at " + redacted(self.url)
                                + ":\n  " + "\n  ".join(found)
                                + "\n(re-create or reindex these indices, or pick another "
                                  "elasticsearch.index_prefix)")

    def close(self) -> None:
        self.bulk.close()
        self.client.close()

    def _fresh(self) -> None:
        if self._dirty:
            self.client.indices.refresh(index=self.alias)
            self._dirty = False
            self._recent.clear()

    def _next_seq(self) -> int:
        """Insertion order across processes (time-based, strictly increasing here): the
        first copy of a story is the one with the lowest seq."""
        self._last_seq = max(time.time_ns(), self._last_seq + 1)
        return self._last_seq

    # -- writing -----------------------------------------------------------------------
    def upsert(self, items: Sequence[tuple[Document, Analysis]],
               forms: Sequence[WriteForm] | None = None) -> UpsertResult:
        if not items:
            return UpsertResult()
        try:
            return self._upsert(items, write_forms(items) if forms is None else forms)
        except UNREACHABLE as exc:
            raise StoreUnavailable(f"Elasticsearch at {redacted(self.url)} went away: "
                                   f"{type(exc).__name__}") from exc

    def _upsert(self, items: Sequence[tuple[Document, Analysis]],
                forms: Sequence[WriteForm]) -> UpsertResult:
        if len(self._recent) >= RECENT_LIMIT:
            self._fresh()
        now = datetime.now(UTC)
        keyed = [(doc, analysis, doc.published_at or now, band_keys(doc, analysis), form)
                 for doc, analysis, form in in_time_order(
                     [(d, a, f) for (d, a), f in zip(items, forms, strict=True)], now)]
        known = self._existing([doc.id for doc, _ in items])
        stored = self._candidates(keyed)
        self._dirty = True
        actions = self.bulk.slices(len(keyed))
        moves: list[dict[str, Any]] = []
        priors: dict[str, tuple[str, str]] = {}
        outcome: dict[str, tuple[str, str | None]] = {}
        unchanged = 0
        for doc, analysis, published, keys, form in keyed:
            encoded = encode(doc, analysis, form)
            prior = self._recent.stored.get(doc.id) or known.get(doc.id)
            if prior is not None and prior[1] == encoded.digest:
                unchanged += 1
                continue
            dup = self._first_copy(doc.id, analysis, published, keys, stored)
            seq = self._next_seq()
            index = self._write(actions, moves, doc, analysis, encoded, keys, prior,
                                published=published, ingested=now, seq=seq, duplicate_of=dup)
            if prior is not None:
                priors[doc.id] = prior
            self._recent.add(doc.id, index, encoded.digest, Candidate(
                doc.id, published, analysis.fingerprint, dup, seq, keys) if keys else None)
            outcome[doc.id] = ("updated" if prior else "inserted", dup)
        rejected = self._finish(actions, moves)
        self._recent.forget(rejected)
        self._recent.stored.update((i, priors[i]) for i in rejected if i in priors)
        return _result(outcome, rejected, unchanged)

    def _write(self, actions: Slices, moves: list[dict[str, Any]],
               doc: Document, analysis: Analysis, encoded: Encoded, keys: frozenset[int],
               prior: tuple[str, str] | None, *, published: datetime, ingested: datetime,
               seq: int, duplicate_of: str | None) -> str:
        """Append the bulk action that stores one document, and to `moves` the delete of its
        copy in another month's index if its publication time moved; returns its index."""
        index = month_index(self.prefix, published)
        if prior is not None and prior[0] != index:
            moves.append({"_op_type": "delete", "_index": prior[0], "_id": doc.id})
        actions.append({"_op_type": "index", "_index": index, "_id": doc.id,
                        "_source": to_source(doc, analysis, encoded, keys, published=published,
                                             ingested=ingested, seq=seq,
                                             duplicate_of=duplicate_of)})
        return index

    def _finish(self, actions: Slices, moves: list[dict[str, Any]]) -> dict[str, str]:
        """Wait for a write's slices, then delete the old month's copies of moved documents
        whose new copy is stored: a refused move keeps the document where it was rather than
        losing it. Returns the reasons of the documents the cluster refused, by id."""
        rejected = actions.finish()
        left = self.bulk.write([m for m in moves if m["_id"] not in rejected])
        for doc_id, reason in left.items():
            log.warning("document %s is stored twice (old month kept): %s", doc_id, reason)
        return rejected

    def _existing(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        unique = list(dict.fromkeys(ids))
        found = self.client.search(index=self.alias, size=len(unique),
                                   query={"ids": {"values": unique}},
                                   source_includes=["content_hash"])
        return {h["_id"]: (h["_index"], h["_source"]["content_hash"])
                for h in found["hits"]["hits"]}

    def _candidates(self, keyed: Sequence[tuple[Document, Analysis, datetime, frozenset[int],
                                                 WriteForm]],
                    ) -> dict[int, list[Candidate]]:
        """Searchable documents sharing a MinHash band with any long text of the batch, by
        band key: one search for the whole batch (the union of its keys over its time span)."""
        probes = [(when, keys) for _, _, when, keys, _ in keyed if keys]
        if not probes:
            return {}
        times = [when for when, _ in probes]
        found = self.client.search(
            index=self.alias, size=CANDIDATES, sort=[{"seq": "asc"}],
            source_includes=["minhash", "duplicate_of", "dedup", "published_at", "seq"],
            query={"bool": {"filter": [
                {"terms": {"dedup": sorted(set().union(*(keys for _, keys in probes)))}},
                {"range": {"published_at": {"gte": (min(times) - REPOST_WINDOW).isoformat(),
                                            "lte": (max(times) + REPOST_WINDOW).isoformat()}}},
            ]}})
        by_key: dict[int, list[Candidate]] = {}
        for hit in found["hits"]["hits"]:
            src = hit["_source"]
            candidate = Candidate(hit["_id"], datetime.fromisoformat(src["published_at"]),
                                  base64.b64decode(src.get("minhash") or ""),
                                  src.get("duplicate_of"), src["seq"],
                                  frozenset(src.get("dedup") or ()))
            for key in candidate.keys:
                by_key.setdefault(key, []).append(candidate)
        return by_key

    def _first_copy(self, doc_id: str, analysis: Analysis, published: datetime,
                    keys: frozenset[int], stored: dict[int, list[Candidate]]) -> str | None:
        """The candidates: per band key, the earliest stored texts sharing it, and this
        process's unrefreshed ones (brandguard.neardup `PROBE_PER_KEY`)."""
        if not keys:
            return None
        found: dict[str, Candidate] = {}
        for key in keys:  # stored lists are in insertion order (the batch probe sorts by seq)
            found.update((c.id, c) for c in earliest_in_window(stored.get(key, ()), published))
        found.update((c.id, c) for c in self._recent.sharing(keys, published))
        return first_copy(doc_id, analysis.fingerprint, published, found.values(),
                          self.similarity)

    # -- copying -----------------------------------------------------------------------
    def scan(self, batch: int = 500) -> Iterator[StoredDocument]:
        self._fresh()
        after: list[Any] | None = None
        while True:
            found = self.client.search(index=self.alias, size=batch, sort=[{"seq": "asc"}],
                                       search_after=after, source_includes=_HYDRATE,
                                       query={"match_all": {}})
            hits = found["hits"]["hits"]
            if not hits:
                return
            after = hits[-1]["sort"]
            yield from (hydrate(h["_source"], self.tz) for h in hits)

    def restore(self, items: Sequence[StoredDocument]) -> None:
        self._fresh()
        known = self._existing([item.document.id for item in items])
        self._dirty = True
        actions = self.bulk.slices(len(items))
        moves: list[dict[str, Any]] = []
        forms = write_forms([(item.document, item.analysis) for item in items])
        for item, form in zip(items, forms, strict=True):
            doc, analysis = item.document, item.analysis
            self._write(actions, moves, doc, analysis, encode(doc, analysis, form),
                        band_keys(doc, analysis), known.get(doc.id),
                        published=doc.published_at or item.ingested_at,
                        ingested=item.ingested_at, seq=self._next_seq(),
                        duplicate_of=item.duplicate_of)
        rejected = self._finish(actions, moves)
        if rejected:
            raise StoreRejected("; ".join(f"{i}: {r}" for i, r in list(rejected.items())[:5]))

    # -- reading -----------------------------------------------------------------------
    def get(self, doc_id: str) -> StoredDocument | None:
        self._fresh()
        found = self.client.search(index=self.alias, size=1, source_includes=_HYDRATE,
                                   query={"ids": {"values": [doc_id]}})
        hits = found["hits"]["hits"]
        return hydrate(hits[0]["_source"], self.tz) if hits else None

    def search(self, query: SearchQuery) -> SearchResult:
        total, sources = self._search_sources(query)
        return SearchResult(total, [hydrate(source, self.tz) for source in sources])

    def search_json(self, query: SearchQuery) -> tuple[int, list[dict[str, Any]]]:
        total, sources = self._search_sources(query)
        return total, [hit_json(s["doc"], s["analysis"],
                                datetime.fromisoformat(s["ingested_at"]).astimezone(self.tz),
                                s.get("duplicate_of"), self.tz) for s in sources]

    def _search_sources(self, query: SearchQuery) -> tuple[int, list[dict[str, Any]]]:
        clauses = filters(query)
        if clauses is None:
            return 0, []
        self._fresh()
        found = self.client.search(
            index=self.alias, query=bool_query(clauses, query.include_duplicates),
            sort=[{"published_at": "desc"}, {"seq": "desc"}], from_=query.offset,
            size=query.limit, source_includes=_HYDRATE, track_total_hits=True)
        return (found["hits"]["total"]["value"],
                [h["_source"] for h in found["hits"]["hits"]])

    def _bucketed(self, field: str, include: str | list[str], brands: Sequence[str],
                  since: datetime, until: datetime, bucket: timedelta,
                  ) -> list[tuple[str, datetime, str, int]]:
        self._fresh()
        found = self.client.search(index=self.alias, size=0, query=mentioned(
            list(brands), since, until), aggs={"t": {
                "date_histogram": {"field": "published_at", "min_doc_count": 1,
                                   "fixed_interval": f"{int(bucket.total_seconds())}s",
                                   "time_zone": getattr(self.tz, "key", "UTC")},
                "aggs": {"k": {"terms": {"field": field, "include": include, "size": 10_000}}}}})
        rows = []
        for b in found["aggregations"]["t"]["buckets"]:
            when = datetime.fromtimestamp(b["key"] / 1000, self.tz)
            for k in b["k"]["buckets"]:
                brand, _, value = k["key"].partition("|")
                rows.append((brand, when, value, int(k["doc_count"])))
        return sorted(rows, key=lambda r: (r[0], r[1], r[2]))

    def counts(self, brands: Sequence[str], since: datetime, until: datetime,
               bucket: timedelta) -> list[CountRow]:
        include = [f"{b}|{p}" for b in brands for p in POLARITIES]
        return [CountRow(brand, when, polarity, n)  # type: ignore[arg-type]
                for brand, when, polarity, n
                in self._bucketed("mention_keys", include, brands, since, until, bucket)]

    def worst_polarity_counts(self, brands: Sequence[str], since: datetime,
                              until: datetime) -> dict[Polarity, int]:
        self._fresh()

        def keys(*polarities: str) -> dict[str, Any]:
            return {"terms": {"mention_keys": [f"{b}|{p}" for b in brands for p in polarities]}}

        worst = {"negative": keys("negative"),
                 "neutral": {"bool": {"filter": [keys("neutral")],
                                      "must_not": [keys("negative")]}},
                 "positive": {"bool": {"filter": [keys("positive")],
                                       "must_not": [keys("negative", "neutral")]}}}
        found = self.client.search(index=self.alias, size=0,
                                   query=mentioned(list(brands), since, until),
                                   aggs={"worst": {"filters": {"filters": worst}}})
        buckets = found["aggregations"]["worst"]["buckets"]
        return {p: int(buckets[p]["doc_count"])
                for p in ("positive", "neutral", "negative")}

    def damage_counts(self, brands: Sequence[str], since: datetime, until: datetime,
                      bucket: timedelta) -> list[DamageCountRow]:
        include = "(" + "|".join(brands) + ")\\|.+"  # brand ids are [a-z0-9_-]: no escaping
        return [DamageCountRow(*row) for row in self._bucketed(
            "damage_keys", include, brands, since, until, bucket)]

    def _top(self, field: str, query: dict[str, Any], limit: int,
             missing: str | None = None) -> list[tuple[str, int]]:
        terms: dict[str, Any] = {"field": field, "size": limit,
                                 "order": [{"_count": "desc"}, {"_key": "asc"}]}
        if missing is not None:
            terms["missing"] = missing
        found = self.client.search(index=self.alias, size=0, query=query,
                                   aggs={"top": {"terms": terms}})
        return [(str(b["key"]), int(b["doc_count"]))
                for b in found["aggregations"]["top"]["buckets"]]

    def top_sources(self, brands: Sequence[str], since: datetime, until: datetime,
                    limit: int = 10) -> list[tuple[str, int]]:
        self._fresh()
        return self._top("source", mentioned(list(brands), since, until), limit)

    def source_count(self, brands: Sequence[str], since: datetime, until: datetime) -> int:
        self._fresh()
        found = self.client.search(  # exact up to 40,000 distinct sources
            index=self.alias, size=0, query=mentioned(list(brands), since, until),
            aggs={"sources": {"cardinality": {"field": "source",
                                              "precision_threshold": 40_000}}})
        return int(found["aggregations"]["sources"]["value"])

    def any_mention(self, brands: Sequence[str], since: datetime, until: datetime) -> bool:
        """`change_mark` stays None here, so the figure cache never asks this of a cluster:
        the node keeps size-0 aggregation answers itself (the shard request cache) and
        drops them at the refresh that makes a write visible."""
        self._fresh()
        query = bool_query([{"terms": {"brands": list(brands)}}, *time_range(since, until)],
                           include_duplicates=True)
        return bool(self.client.search(index=self.alias, size=0, terminate_after=1,
                                       track_total_hits=1, query=query)["hits"]["total"]["value"])

    def repost_count(self, brands: Sequence[str], since: datetime, until: datetime) -> int:
        self._fresh()
        query = bool_query([{"terms": {"brands": list(brands)}}, *time_range(since, until),
                            {"exists": {"field": "duplicate_of"}}], include_duplicates=True)
        return int(self.client.count(index=self.alias, query=query)["count"])

    def kind_counts(self, brands: Sequence[str], since: datetime,
                    until: datetime) -> list[tuple[str, int]]:
        self._fresh()
        return self._top("kind", mentioned(list(brands), since, until), KINDS, missing="")

    def top_keywords(self, brands: Sequence[str], since: datetime, until: datetime,
                     limit: int = 30) -> list[tuple[str, int]]:
        self._fresh()
        query = mentioned(list(brands), since, until)
        nth = self.client.search(index=self.alias, query=query, size=1,
                                 from_=KEYWORD_SAMPLE - 1, source=False,
                                 sort=[{"published_at": "desc"}])["hits"]["hits"]
        if nth:  # more than the sample: count from the sample's oldest time on
            query["bool"]["filter"].append({"range": {"published_at": {
                "gte": nth[0]["sort"][0], "format": "epoch_millis"}}})
        return self._top("keywords", query, limit)


def _result(outcome: dict[str, tuple[str, str | None]], rejected: dict[str, str],
            unchanged: int) -> UpsertResult:
    kept = {i: o for i, o in outcome.items() if i not in rejected}
    return UpsertResult(
        inserted=sum(1 for kind, _ in kept.values() if kind == "inserted"),
        updated=sum(1 for kind, _ in kept.values() if kind == "updated"),
        unchanged=unchanged, near_duplicates=sum(1 for _, dup in kept.values() if dup),
        changed=tuple(kept), rejected=tuple(rejected.items()),
        reposts=tuple((i, dup) for i, (_, dup) in kept.items() if dup))

