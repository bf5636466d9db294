"""The analysis contract (ARCHITECTURE §4.3) as `Analyzer` produces it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.nlp.analyzer import Analyzer
from tests.conftest import make_doc

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config


def test_every_contract_field_is_present(analyzer: Analyzer, config: Config) -> None:
    doc = make_doc("八马茶业一批次铁观音抽检不合格，农药残留超标。", config=config, title="抽检通报")
    out = analyzer.analyze(doc).to_json()
    assert set(out) == {"id", "sentiment", "polarity", "mentions", "damage", "keywords", "simhash"}
    assert 0.0 <= out["sentiment"] <= 1.0
    assert out["polarity"] == "negative"
    bama = next(m for m in out["mentions"] if m["brand"] == "bama")
    assert set(bama) == {"brand", "polarity", "score", "spans", "parent"}
    assert bama["parent"] == "anxi-tieguanyin"
    start, end = bama["spans"][0]
    assert doc.full_text[start:end] == "八马茶业"
    assert out["damage"][0]["category"] == "quality_safety"
    assert len(out["simhash"]) == 16


def test_praise_for_one_brand_and_exposure_of_another_both_come_out_right(
        analyzer: Analyzer, config: Config) -> None:
    text = ("八马茶业被曝产品抽检不合格，农药残留超标，已被立案调查。"
            "与此同时，安溪铁观音荣获国际金奖，品质优秀，广受好评。")
    polarity = {m.brand: m.polarity for m in analyzer.analyze(make_doc(text, config=config)).mentions}
    assert polarity == {"bama": "negative", "anxi-tieguanyin": "positive"}


def test_reviews_are_judged_as_opinions(analyzer: Analyzer, config: Config) -> None:
    good = make_doc("八马的茶很好喝，回甘明显，包装精致，会回购。", config=config, kind="review")
    bad = make_doc("八马的茶太难喝了，一股怪味，差评，退货。", config=config, kind="review")
    assert analyzer.analyze(good).polarity == "positive"
    assert analyzer.analyze(bad).polarity == "negative"
    assert analyzer.analyze(good).sentiment > 0.65 > 0.35 > analyzer.analyze(bad).sentiment


def test_seller_names_a_brand_the_text_does_not(analyzer: Analyzer, config: Config) -> None:
    doc = make_doc("物流很快，茶叶不错。", config=config, kind="review", seller="八马茶业官方旗舰店")
    mentions = analyzer.analyze(doc).mentions
    assert [(m.brand, m.spans) for m in mentions] == [("bama", ())]


def test_text_without_brands_has_no_mentions(analyzer: Analyzer, config: Config) -> None:
    assert analyzer.analyze(make_doc("今天天气不错。", config=config)).mentions == ()


def test_unauthorised_seller_of_the_collective_trademark_is_counterfeit_evidence(
        analyzer: Analyzer, config: Config) -> None:
    from brandguard.configuration.loader import load_config
    from tests.conftest import EXAMPLE_CONFIG

    example = Analyzer.from_config(load_config(EXAMPLE_CONFIG), model=analyzer.model)
    listing = make_doc("正宗云岭毛尖，明前新茶，特价包邮。", config=config, kind="review",
                       seller="好茶特惠小店")
    damage = {d.category: d.evidence for d in example.analyze(listing).damage}
    assert damage == {"counterfeit": ("未授权商家: 好茶特惠小店",)}
    licensed = make_doc("正宗云岭毛尖，明前新茶。", config=config, kind="review",
                        seller="雾山茶业官方旗舰店")
    assert example.analyze(licensed).damage == ()
