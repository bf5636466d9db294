"""Unauthorised sellers of a collective trademark become counterfeit evidence."""

from __future__ import annotations

from brandguard.configuration.models import Brand
from brandguard.nlp.sellers import SellerCheck


def brand(id_: str, name: str, **kw: object) -> Brand:
    return Brand.model_validate({"id": id_, "name": name, "organization": "o", **kw})


BRANDS = [
    brand("region", "云岭毛尖", kind="regional", authorized_sellers=["云岭毛尖官方旗舰店"]),
    brand("member", "雾山茶业", kind="enterprise", parent="region"),
    brand("free", "某某茶", kind="regional"),
]


def test_listed_and_member_shops_are_authorised_others_are_not() -> None:
    check = SellerCheck(BRANDS)
    assert check.tag("云岭毛尖官方旗舰店", ["region"]) is None
    assert check.tag("雾山茶业官方旗舰店", ["region"]) is None
    tag = check.tag("好茶特惠小店", ["region"])
    assert tag is not None
    assert (tag.category, tag.evidence) == ("counterfeit", ("未授权商家: 好茶特惠小店",))


def test_brands_without_a_list_and_documents_without_a_seller_are_not_judged() -> None:
    check = SellerCheck(BRANDS)
    assert check.tag("任何店", ["free"]) is None
    assert check.tag(None, ["region"]) is None
    assert check.tag("任何店", []) is None
