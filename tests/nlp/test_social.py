"""Social posts: emoticons are cues, a repost chain's own comment outweighs what it quotes,
handles are not words."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hypothesis import given
from hypothesis import strategies as st

from brandguard.nlp.social import quote_start, without_handles
from tests.conftest import make_doc

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer


def _post(analyzer: Analyzer, config: Config, text: str) -> tuple[str, float]:
    analysis = analyzer.analyze(make_doc(text, config=config, kind="social"))
    return analysis.polarity, analysis.sentiment


def test_emoticons_decide_a_post_with_few_words(analyzer: Analyzer, config: Config) -> None:
    assert _post(analyzer, config, "八马茶业的新茶到了[泪][怒]")[0] == "negative"
    assert _post(analyzer, config, "八马茶业的新茶到了[哈哈][赞]")[0] == "positive"
    plain = _post(analyzer, config, "八马茶业的新茶到了")[1]
    assert _post(analyzer, config, "八马茶业的新茶到了[抓狂]")[1] < plain


def test_the_reposters_own_comment_outweighs_the_quoted_chain(
        analyzer: Analyzer, config: Config) -> None:
    praise_quoting_complaint = "八马茶业真好喝，回购了[哈哈]//@某某:难喝，退货[怒]"
    complaint_quoting_praise = "八马茶业难喝，退货[怒]//@某某:真好喝，回购了[哈哈]"
    assert _post(analyzer, config, praise_quoting_complaint)[0] == "positive"
    assert _post(analyzer, config, complaint_quoting_praise)[0] == "negative"


def test_handles_are_neither_scored_nor_hot_words(analyzer: Analyzer, config: Config) -> None:
    analysis = analyzer.analyze(make_doc("@好评如潮茶叶铺 八马茶业的新茶到了//@茶界观察:转发",
                                         config=config, kind="social"))
    assert not any("好评如潮" in k or "茶界观察" in k for k in analysis.keywords)
    assert [m.brand for m in analysis.mentions] == ["bama"]


def test_a_post_without_a_chain_is_all_its_own() -> None:
    assert quote_start("没有转发链") == len("没有转发链")
    assert quote_start("评论//@甲:原文//@乙:更早") == 2


@given(st.text(alphabet="好茶@甲乙 /[]哈", max_size=40))
def test_blanking_handles_leaves_no_handle_and_keeps_the_rest(text: str) -> None:
    out = without_handles(text)
    assert not re.search(r"@[\w:：]", out.replace("@@", "@ "))
    assert len(out) <= len(text)
    if "@" not in text:
        assert out == text
