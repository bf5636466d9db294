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
            return "d.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)", [match_runs(runs)]
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


