"""Trust-damage tagging: categories, negation, denials (辟谣, 不实)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.nlp.damage import DamageTagger
from brandguard.nlp.sentences import sentence_spans

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config


def tag(config: Config, text: str, title: str = "") -> dict[str, tuple[str, ...]]:
    tagger = DamageTagger(config.lexicon)
    text = f"{title}\n{text}" if title else text
    hits = tagger.scan(text, sentence_spans(text), len(title))
    return {t.category: t.evidence for t in tagger.tags(hits.terms)}


def test_categories_are_tagged_with_evidence(config: Config) -> None:
    tags = tag(config, "某茶企产品抽检不合格，农药残留超标；另有网店销售假冒铁观音。工厂发生火灾。")
    assert tags["quality_safety"] == ("抽检不合格", "农药残留", "超标")
    assert tags["counterfeit"] == ("假冒",)
    assert tags["production_safety"] == ("火灾",)


def test_negated_terms_do_not_count(config: Config) -> None:
    assert tag(config, "经检测，未发现质量问题。") == {}
    assert tag(config, "本批次没有农药残留超标。") == {}


def test_denials_cancel_their_sentence_or_from_the_headline_the_whole_text(
        config: Config) -> None:
    assert tag(config, "网传八马茶业假冒产品系谣言，官方辟谣。") == {}
    assert tag(config, "有人称因质量问题被责令停产。该消息不实。", title="网传停产消息不实") == {}
    assert "quality_safety" in tag(config, "某消息不实。\n但此前确有抽检不合格。")


def test_overlapping_terms_count_once(config: Config) -> None:
    assert tag(config, "抽检不合格")["quality_safety"] == ("抽检不合格",)
