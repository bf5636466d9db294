"""Index templates and explicit mappings for the Elasticsearch store, and the check that an
existing cluster agrees with them.

Documents live in monthly indices `<prefix>-docs-YYYY.MM` (by publication time, in UTC)
behind the alias `<prefix>-docs`, so retention is dropping old months and a month's shards
stay a manageable size. Everything else (incidents, the event outbox, deliveries, source
states, credentials, users, counters) lives in one small index `<prefix>-state`.

Search filters on `terms`, the bigram terms the application computes (the SQLite index's),
queried as phrases, so both backends find exactly the same substrings whatever analyzers a
cluster has. The full text is also indexed as `text` under the standard analyzer and the
jieba words the application segmented as `tokens` keywords, for Kibana; no brandguard query
reads them, and a cluster with the IK plugin may set `elasticsearch.text_analyzer:
ik_max_word` for `text`. Measured on one 2-core node (README, Benchmarks), those two fields
are about a fifth of the node's CPU per document. Raw document and analysis JSON are kept
but not indexed (`enabled: false`), so a field an upstream source invents can never
conflict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

_KW = {"type": "keyword"}
_DATE = {"type": "date"}

DOC_PROPERTIES: dict[str, Any] = {
    "id": _KW, "published_at": _DATE, "ingested_at": _DATE, "seq": {"type": "long"},
    "source": _KW, "kind": _KW, "author": _KW, "reach": {"type": "long"},
    "polarity": _KW, "sentiment": {"type": "float"},
    "duplicate_of": _KW, "content_hash": {"type": "keyword", "index": False},
    "text": {"type": "text", "analyzer": "standard"},
    # brandguard.store.fts terms (bigrams the application computes): search filters on
    # these, so a query finds every substring exactly as in the SQLite store
    "terms": {"type": "text", "analyzer": "whitespace", "norms": False},
    # filtered on, never aggregated or sorted: no doc values to build on every write
    "tokens": {"type": "keyword", "doc_values": False},
    "dedup": {"type": "long", "doc_values": False},
    "brands": _KW, "mention_keys": _KW, "categories": _KW, "damage_keys": _KW, "keywords": _KW,
    "minhash": {"type": "binary"},
    "doc": {"type": "object", "enabled": False},
    "analysis": {"type": "object", "enabled": False},
}

# Fields added after the first release; put on existing monthly indices at start. Their
# documents are found by text search once rewritten (`brandguard store copy`, re-ingest).
ADDED_FIELDS: dict[str, Any] = {name: DOC_PROPERTIES[name] for name in ("terms", "author",
                                                                      "reach")}

STATE_PROPERTIES: dict[str, Any] = {
    "type": _KW, "brand": _KW, "category": _KW, "status": _KW, "organization": _KW,
    "opened_at": _DATE, "last_evidence_at": _DATE, "version": {"type": "long"},
    "pending": {"type": "boolean"}, "seq": {"type": "long"}, "key": _KW,
    "incident": _KW, "channel": _KW, "event_type": _KW, "next_attempt_at": _DATE,
    "updated_at": _DATE, "hash": _KW, "kind": _KW, "expires_at": _DATE,
    "name": _KW, "order": {"type": "long"},
    "body": {"type": "object", "enabled": False},
}


def docs_alias(prefix: str) -> str:
    return f"{prefix}-docs"


def state_index(prefix: str) -> str:
    return f"{prefix}-state"


def docs_template(prefix: str, shards: int, replicas: int, analyzer: str = "standard",
                  ) -> dict[str, Any]:
    properties = dict(DOC_PROPERTIES, text={"type": "text", "analyzer": analyzer})
    return {
        "index_patterns": [f"{prefix}-docs-*"],
        "priority": 200,
        "template": {
            "settings": {"number_of_shards": shards, "number_of_replicas": replicas,
                         "refresh_interval": "1s"},
            "mappings": {"dynamic": "strict", "properties": properties},
            "aliases": {docs_alias(prefix): {}},
        },
        "_meta": {"managed_by": "brandguard"},
    }


def state_body(replicas: int) -> dict[str, Any]:
    return {"settings": {"number_of_shards": 1, "number_of_replicas": replicas},
            "mappings": {"dynamic": "strict", "properties": STATE_PROPERTIES}}


def conflicts(expected: dict[str, Any], actual: dict[str, Any], index: str,
              path: str = "") -> list[str]:
    """Fields whose existing mapping differs from ours, as `index: field is X, expected Y`."""
    found = []
    for name, want in expected.items():
        have = actual.get(name)
        where = f"{path}{name}"
        if have is None:
            continue  # added by a later put_mapping; not a conflict
        want_type, have_type = want.get("type", "object"), have.get("type", "object")
        if want_type != have_type:
            found.append(f"{index}: field [{where}] is mapped as {have_type!r}, brandguard "
                         f"needs {want_type!r}")
        elif "properties" in want:
            found.extend(conflicts(want["properties"], have.get("properties", {}), index,
                                   f"{where}."))
    return found


def drop(client: Elasticsearch, prefix: str) -> None:
    """Delete every index and the template of `prefix` (benchmarks and tests clean up with
    it). By name: clusters refuse wildcard deletes by default."""
    names = list(client.indices.get(index=f"{prefix}-*").body)
    if names:
        client.indices.delete(index=",".join(names))
    if client.indices.exists_index_template(name=f"{prefix}-docs"):
        client.indices.delete_index_template(name=f"{prefix}-docs")
