"""Which brand a negative text is about: the longer-name rule, the choice, the features,
and the analyzer wiring them into mention polarity."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandguard.configuration.models import Brand
from brandguard.nlp.analyzer import Analyzer
from brandguard.nlp.brand_matcher import BrandHit, BrandMatcher
from brandguard.nlp.damage import DamageTagger
from brandguard.nlp.segmenter import make_segmenter
from brandguard.nlp.sentiment import TargetHead
from brandguard.nlp.targets import (
    CLAUSE,
    OTHER,
    SELF,
    WINDOW,
    MentionContext,
    _around,
    choose,
    contained,
    mention_features,
    token_offsets,
)
from tests.conftest import make_doc

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config


def _brands(*names: str) -> tuple[Brand, ...]:
    return tuple(Brand.model_validate({"id": f"b{i}", "name": n, "kind": "enterprise",
                                       "organization": "o"}) for i, n in enumerate(names))


def _analyzer(analyzer: Analyzer, config: Config, *names: str,
              head: TargetHead | None = None) -> Analyzer:
    model = analyzer.model if head is None else replace(analyzer.model, target=head)
    return Analyzer(_brands(*names), DamageTagger(config.lexicon), model,
                    make_segmenter("rjieba", names))


def test_the_longer_name_is_the_subject() -> None:
    assert contained({"short": {"资钱包"}, "long": {"小资钱包"}}) == {"short"}
    # named on its own somewhere too: still only what the longer name is about
    assert contained({"short": {"资钱包"}, "long": {"小资钱包", "资钱包x"}}) == {"short"}
    assert contained({"a": {"雾山茶业"}, "b": {"云岭毛尖"}}) == set()


def test_choice_takes_every_likely_target_else_the_likeliest() -> None:
    assert choose({"a": 0.9, "b": 0.6, "c": 0.1}, set()) == {"a", "b"}
    assert choose({"a": 0.3, "b": 0.2}, set()) == {"a"}
    assert choose({"a": 0.48, "b": 0.46, "c": 0.2}, set()) == {"a", "b"}  # a near tie
    assert choose({"a": 0.3, "b": 0.2}, {"a"}) == {"b"}
    assert choose({"a": 0.9}, {"a"}) == set()


def test_features_mask_names_and_read_the_words_beside_each_hit(
        analyzer: Analyzer, config: Config) -> None:
    text = "继甲公司之后，乙平台也爆雷"
    hits = BrandMatcher(_brands("甲公司", "乙平台")).find(text)
    tokens = make_segmenter("rjieba", ["甲公司", "乙平台"]).cut(text)
    second = MentionContext([hits[1]], [0], 1, 2, False, True, -1 + 0.5j)
    feats = mention_features(second, lambda i: token_offsets(0, tokens), [tokens],
                             {"甲公司": OTHER, "乙平台": SELF})
    assert "after:爆雷" in feats.names
    assert f"before:{OTHER}" in feats.names
    assert {"rank=1", "brands=2", "count=1", "shares_sentence"} <= feats.names
    assert not any("甲公司" in f or "乙平台" in f for f in feats.names)
    assert feats.values == {"own_negative": -1.0, "own_positive": 0.5}


@pytest.mark.parametrize(("names", "head", "text"), [
    # a hand-set head (the second brand named is the target) shows the wiring
    (("甲公司", "乙平台"), TargetHead({"rank=1": 8.0}, bias=-3.0),
     "继甲公司之后，乙平台也爆雷跑路，投资人报警，警方已立案。"),
    # the shipped head, with the longer name named second: the rule, not the head, decides
    (("资钱包", "小资钱包"), None,
     "资钱包即小资钱包平台，小资钱包涉嫌非法集资，平台爆雷，警方已立案侦查。"),
], ids=["picked-by-the-head", "longer-name-rule"])
def test_only_the_target_of_a_negative_text_is_negative(
        analyzer: Analyzer, config: Config, names: tuple[str, str], head: TargetHead | None,
        text: str) -> None:
    analysis = _analyzer(analyzer, config, *names, head=head).analyze(
        make_doc(text, config=config))
    assert analysis.polarity == "negative"
    polarity = {m.brand: m.polarity for m in analysis.mentions}
    assert polarity["b1"] == "negative"
    assert polarity["b0"] != "negative"  # though both share the sentence


def test_one_brand_in_a_negative_text_is_its_target(analyzer: Analyzer, config: Config) -> None:
    only = _analyzer(analyzer, config, "甲平台")
    analysis = only.analyze(make_doc("甲平台逾期爆雷，投资人报警，警方已立案。", config=config))
    assert [(m.brand, m.polarity) for m in analysis.mentions] == [("b0", "negative")]


@given(st.lists(st.text(alphabet="甲乙丙，", min_size=1, max_size=4), min_size=1, max_size=60),
       st.integers(0, 200), st.integers(1, 8), st.integers(0, 30))
def test_the_words_around_a_hit_are_those_a_linear_scan_finds(
        tokens: list[str], at: int, length: int, start: int) -> None:
    hit = [BrandHit(_brands("甲")[0], start + at, start + at + length)]
    clause, before, after = _around(hit[0], token_offsets(start, tokens), tokens)
    want: tuple[list[str], list[str], list[str]] = ([], [], [])
    pos = start
    for token in tokens:
        end = pos + len(token)
        if hit[0].start - CLAUSE < end and pos < hit[0].end + CLAUSE:
            want[0].append(token)
            if hit[0].start - WINDOW < end <= hit[0].start:
                want[1].append(token)
            elif hit[0].end <= pos < hit[0].end + WINDOW:
                want[2].append(token)
        pos = end
    assert (clause, before, after) == want
