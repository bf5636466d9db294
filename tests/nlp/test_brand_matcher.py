"""Brand matching: longest match, exclusions, Latin boundaries, thousands of brands."""

from __future__ import annotations

from brandguard.configuration.models import Brand
from brandguard.nlp.brand_matcher import BrandMatcher


def brand(id_: str, name: str, **kw: object) -> Brand:
    return Brand.model_validate({"id": id_, "name": name, "kind": "regional",
                                 "organization": "o", **kw})


BRANDS = [
    brand("anxi", "安溪铁观音", aliases=["铁观音"], exclude=["铁观音茶具"]),
    brand("anxi-group", "安溪铁观音集团"),
    brand("bama", "八马茶业", aliases=["八马", "BAMA"]),
]


def found(text: str, brands: list[Brand] = BRANDS) -> list[tuple[str, str]]:
    return [(h.brand.id, text[h.start:h.end]) for h in BrandMatcher(brands).find(text)]


def test_longest_match_wins() -> None:
    assert found("安溪铁观音集团发布公告") == [("anxi-group", "安溪铁观音集团")]
    assert found("安溪铁观音很香") == [("anxi", "安溪铁观音")]


def test_exclusion_cancels_only_the_overlapping_mention() -> None:
    assert found("新款铁观音茶具上市") == []
    assert found("铁观音茶具配铁观音") == [("anxi", "铁观音")]


def test_latin_alias_is_case_insensitive_and_respects_word_boundaries() -> None:
    assert found("Bama tea 很好") == [("bama", "Bama")]
    assert found("ＢＡＭＡ全角") == [("bama", "ＢＡＭＡ")]
    assert found("BAMAX is another company") == []


def test_spans_index_the_original_text() -> None:
    text = "昨天八马茶业和安溪铁观音"
    hits = BrandMatcher(BRANDS).find(text)
    assert [(h.start, h.end) for h in hits] == [(2, 6), (7, 12)]


def test_thousands_of_brands_match_in_one_pass() -> None:
    many = [brand(f"b{i}", f"品牌{i:04d}号") for i in range(5000)]
    text = "据报道，品牌0042号与品牌4999号均被点名，品牌9999号不存在。"
    assert found(text, many) == [("b42", "品牌0042号"), ("b4999", "品牌4999号")]
