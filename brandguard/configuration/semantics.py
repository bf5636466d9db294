"""Cross-reference checks on brands.yaml that a per-field model cannot express.

Duplicate ids, dangling or cross-organisation parents and peers, unknown organisations, and
an alias claimed by two brands (a mention would be ambiguous) are all reported with their
line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.configuration.models import Brand, BrandKind, BrandsFile
from brandguard.errors import Problem

if TYPE_CHECKING:
    from brandguard.configuration.yamlload import LoadedYaml


def check_brands(loaded: LoadedYaml, parsed: BrandsFile) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: tuple[str | int, ...], field: str, message: str) -> None:
        problems.append(Problem(loaded.file, loaded.line_of(path), field, message))

    org_ids: set[str] = set()
    for i, org in enumerate(parsed.organizations):
        if org.id in org_ids:
            add(("organizations", i, "id"), f"organizations[{i}].id", f"duplicate id {org.id!r}")
        org_ids.add(org.id)
    by_id: dict[str, object] = {}
    for i, brand in enumerate(parsed.brands):
        if brand.id in by_id:
            add(("brands", i, "id"), f"brands[{i}].id", f"duplicate id {brand.id!r}")
        by_id.setdefault(brand.id, brand)
    alias_owner: dict[str, str] = {}
    for i, brand in enumerate(parsed.brands):
        where = ("brands", i)
        if brand.organization not in org_ids:
            add((*where, "organization"), f"brands[{i}].organization",
                f"unknown organization {brand.organization!r}")
        problems.extend(_parent_problems(loaded, i, brand.parent, brand.kind, brand.organization,
                                         by_id))
        problems.extend(_peer_problems(loaded, i, brand, by_id))
        for name in brand.names:
            key = name.casefold()
            owner = alias_owner.setdefault(key, brand.id)
            if owner != brand.id:
                add((*where, "aliases"), f"brands[{i}].aliases",
                    f"alias {name!r} is already used by brand {owner!r}")
        for phrase in brand.exclude:
            if not any(n in phrase for n in brand.names):
                add((*where, "exclude"), f"brands[{i}].exclude",
                    f"exclusion {phrase!r} contains none of the brand's names, so it never applies")
    return problems


def _peer_problems(loaded: LoadedYaml, i: int, brand: Brand,
                   by_id: dict[str, object]) -> list[Problem]:
    """Peers are brands of the same organisation; a peer itself compares with nothing."""
    line = loaded.line_of(("brands", i, "peers"))
    field = f"brands[{i}].peers"
    if brand.kind is BrandKind.PEER and brand.peers:
        return [Problem(loaded.file, line, field, "a peer brand is compared with, it has no "
                                                  "peers of its own")]
    problems = []
    for peer in brand.peers:
        target = by_id.get(peer)
        if target is None:
            problems.append(Problem(loaded.file, line, field, f"unknown brand {peer!r}"))
        elif peer == brand.id:
            problems.append(Problem(loaded.file, line, field, "a brand is not its own peer"))
        elif getattr(target, "organization", None) != brand.organization:
            problems.append(Problem(loaded.file, line, field,
                                    f"peer {peer!r} belongs to another organization"))
    return problems


def _parent_problems(loaded: LoadedYaml, i: int, parent: str | None, kind: BrandKind, org: str,
                     by_id: dict[str, object]) -> list[Problem]:
    if parent is None:
        return []
    line = loaded.line_of(("brands", i, "parent"))
    field = f"brands[{i}].parent"
    target = by_id.get(parent)
    if kind is not BrandKind.ENTERPRISE:
        return [Problem(loaded.file, line, field, f"a {kind} brand cannot have a parent")]
    if target is None:
        return [Problem(loaded.file, line, field, f"unknown brand {parent!r}")]
    if getattr(target, "kind", None) is not BrandKind.REGIONAL:
        return [Problem(loaded.file, line, field, f"parent {parent!r} is not a regional brand")]
    if getattr(target, "organization", None) != org:
        return [Problem(loaded.file, line, field,
                        f"parent {parent!r} belongs to another organization")]
    return []
