"""Unauthorised use of a (collective) trademark: who may sell under the brand's name.

A review or listing that names a brand with `authorized_sellers` configured, from a seller
that is neither on that list nor carries a member enterprise's name, is tagged as the
counterfeit category with the seller as evidence; the risk engine then treats such
listings like any other trust-damage report. Brands without the list are not checked: a
missing list says nothing about who is authorised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.document import DamageTag

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.configuration.models import Brand

CATEGORY = "counterfeit"
SCORE = 0.6


class SellerCheck:
    def __init__(self, brands: Sequence[Brand]) -> None:
        members: dict[str, list[str]] = {}
        for brand in brands:
            if brand.parent:
                members.setdefault(brand.parent, []).extend(brand.names)
        self._allowed = {b.id: (tuple(b.authorized_sellers), tuple(members.get(b.id, ())))
                         for b in brands if b.authorized_sellers}

    def tag(self, seller: str | None, brand_ids: Sequence[str]) -> DamageTag | None:
        if not seller:
            return None
        for brand_id in brand_ids:
            listed, member_names = self._allowed.get(brand_id, ((), ()))
            if not listed:
                continue
            if seller in listed or any(name in seller for name in member_names):
                continue
            return DamageTag(CATEGORY, SCORE, (f"未授权商家: {seller}",))
        return None
