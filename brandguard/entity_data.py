"""Texts that name several entities and say which ones they are negative about.

The format is the CCF BDCI 2019 key-entity task's (`id,title,text,entity,negative,key_entity`,
entities `;`-separated; ../shared/data/entity). `train-sentiment --targets` learns the target
head from it and `eval-targets` scores it: every entity becomes a configured brand, so what
is measured is what `analyze` does with a brand list.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from brandguard.configuration.models import Brand
from brandguard.document import Document
from brandguard.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

COLUMNS = ("id", "title", "text", "entity", "negative", "key_entity")


@dataclass(frozen=True)
class EntityRow:
    id: str
    title: str
    text: str
    entities: tuple[str, ...]
    negative: bool
    key: frozenset[str]

    def document(self) -> Document:
        """Title kept only when the text does not already start with it (the data often
        repeats the headline as the text's first line)."""
        title = self.title if self.title and self.title not in self.text else None
        return Document(id=self.id, source="eval", url=None, title=title, text=self.text,
                        kind="news")


@dataclass
class EntityRows:
    rows: list[EntityRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_entity_csv(path: Path) -> EntityRows:
    out = EntityRows()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: expected columns {', '.join(COLUMNS)}; missing "
                             f"{', '.join(missing)}")
        for row in reader:
            entities = tuple(dict.fromkeys(_names(row["entity"])))
            negative = (row["negative"] or "").strip()
            if not entities or negative not in {"0", "1"} or not (row["text"] or "").strip():
                out.errors.append(f"{path}:{reader.line_num}: needs text, entity and negative "
                                  f"0/1, got negative={negative!r}")
                continue
            out.rows.append(EntityRow(row["id"], (row["title"] or "").strip(),
                                      row["text"].strip(), entities, negative == "1",
                                      frozenset(_names(row["key_entity"]))))
    return out


def _names(cell: str | None) -> list[str]:
    return [n.strip() for n in (cell or "").split(";") if n.strip()]


def entity_brands(rows: list[EntityRow]) -> tuple[tuple[Brand, ...], dict[str, str]]:
    """One enterprise brand per distinct entity name; and name -> brand id."""
    ids: dict[str, str] = {}
    for row in rows:
        for name in row.entities:
            ids.setdefault(name, f"e{len(ids)}")
    brands = tuple(Brand.model_validate({"id": i, "name": n, "kind": "enterprise",
                                         "organization": "eval"}) for n, i in ids.items())
    return brands, ids
