"""The query model's conditions (`brandguard.store.query`) as SQL over `documents d`."""

from __future__ import annotations

from typing import Any

from brandguard.store import query as model
from brandguard.store.fts import match_runs
from brandguard.store.sqlite.schema import _epoch


def _count(field: str) -> str:
    return f"COALESCE(CAST(json_extract(d.doc, '$.{field}') AS INTEGER), 0)"


REACH_SQL = (f"(CASE WHEN json_type(d.doc, '$.followers') IS NULL AND json_type(d.doc, "
             f"'$.reposts') IS NULL AND json_type(d.doc, '$.comments') IS NULL AND "
             f"json_type(d.doc, '$.likes') IS NULL THEN NULL ELSE {_count('followers')} + 10 * "
             f"({_count('reposts')} + {_count('comments')}) + {_count('likes')} END)")
"""`brandguard.engagement.reach` over the stored document (its counts are integers)."""


def _bounds(column: str, span: model.Published | None) -> tuple[str, list[Any]]:
    parts, args = [], []
    for op, value in ((">=", span.since if span else None), ("<", span.until if span else None)):
        if value is not None:
            parts.append(f" AND {column} {op} ?")
            args.append(_epoch(value))
    return "".join(parts), args


def _sql(condition: model.Condition, span: model.Published | None) -> tuple[str, list[Any]]:
    """One condition as a WHERE term over `documents d`, and its parameters."""
    match condition:
        case model.TextRuns(runs):
            return ("d.rowid IN (SELECT rowid FROM textindex.fts WHERE fts MATCH ?)",
                    [match_runs(runs)])
        case model.Mentions(brands, polarity):
            # Driven from the mentions index (brand, published_at, doc), with the time bounds
            # pushed in: a brand's week is a range scan there, where filtering the documents
            # table first would visit every document of that week across all brands.
            marks = ",".join("?" * len(brands))
            tone = " AND m.polarity=?" if polarity else ""
            within, args = _bounds("m.published_at", span)
            return (f"d.rowid IN (SELECT m.doc FROM mentions m WHERE m.brand IN ({marks})"  # noqa: S608 - placeholders only
                    f"{tone}{within})", [*brands, *([polarity] if polarity else []), *args])
        case model.DocumentPolarity(polarity):
            return "d.polarity=?", [polarity]
        case model.Published():
            within, args = _bounds("d.published_at", condition)
            return within.removeprefix(" AND "), args
        case model.InCategory(category):
            return ("EXISTS (SELECT 1 FROM damage g WHERE g.doc=d.rowid AND g.category=?)",
                    [category])
        case model.FromSource(source):
            return "d.source=?", [source]
        case model.OfKind(kind):
            return "d.kind=?", [kind]
        case model.ByAuthor(author):
            return "json_extract(d.doc, '$.author')=?", [author]
        case model.MinReach(reach):
            return f"{REACH_SQL}>=?", [reach]
        case model.OriginalsOnly():
            return "d.duplicate_of IS NULL", []
    raise AssertionError(condition)  # pragma: no cover - the union is exhaustive


def mentions_only(found: list[model.Condition]) -> tuple[str, list[Any], bool] | None:
    """`found` as a WHERE over `mentions m` alone, when every condition can be read there
    (brands and their mention's polarity, the time bounds, near-duplicates left out, the
    source: each mention row carries its document's published_at, duplicate flag and
    source), with whether one document can match on several rows (several brands).

    The dashboard's and the API's commonest search, a brand's week, is answered from that
    index alone, in its order: the count is a range count and the page is the first rows
    of a backward range scan, and only the page's documents are read, not the documents
    of every match to sort them."""
    brands: tuple[str, ...] = ()
    parts: list[str] = []
    args: list[Any] = []
    for condition in found:
        match condition:
            case model.Mentions(names, polarity):
                brands = names
                parts.append(f"m.brand IN ({','.join('?' * len(names))})")
                args.extend(names)
                if polarity:
                    parts.append("m.polarity=?")
                    args.append(polarity)
            case model.Published():
                within, bounds = _bounds("m.published_at", condition)
                parts.append(within.removeprefix(" AND "))
                args.extend(bounds)
            case model.OriginalsOnly():
                parts.append("m.duplicate=0")
            case model.FromSource(source):
                parts.append("m.source=?")
                args.append(source)
            case _:
                return None
    if not brands:
        return None
    return " AND ".join(p for p in parts if p), args, len(brands) > 1
