"""Documents and analyses pickle as constructor calls (brandguard/document.py): what an
analysis worker hands the store writer comes back equal, whatever the text held, including
the separator the words travel joined by."""

from __future__ import annotations

import pickle
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from brandguard.document import Analysis, DamageTag, Document, Mention

TEXT = st.text(alphabet=st.sampled_from("茶叶抽检a1 \x1f\x00\n"), max_size=12)
MENTIONS = st.builds(Mention, TEXT, st.sampled_from(["positive", "neutral", "negative"]),
                     st.floats(-1, 1), st.lists(st.tuples(st.integers(0, 99),
                                                          st.integers(0, 99))).map(tuple),
                     st.none() | TEXT)
DAMAGE = st.builds(DamageTag, TEXT, st.floats(0, 1), st.lists(TEXT).map(tuple))
ANALYSES = st.builds(
    Analysis, TEXT, st.floats(0, 1), st.sampled_from(["positive", "neutral", "negative"]),
    st.lists(MENTIONS, max_size=3).map(tuple), st.lists(DAMAGE, max_size=2).map(tuple),
    st.lists(TEXT, max_size=4).map(tuple), st.integers(0, 2 ** 64 - 1), st.binary(max_size=8),
    st.lists(st.integers(0, 2 ** 63)).map(tuple), st.lists(TEXT, max_size=8).map(tuple))
DOCUMENTS = st.builds(
    Document, TEXT, TEXT, st.none() | TEXT, st.none() | TEXT,
    st.none() | st.just(datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))),
    st.none() | TEXT, st.none() | st.sampled_from(["news", "review", "social"]),
    st.none() | st.floats(1, 5), st.none() | TEXT, st.none() | TEXT,
    st.dictionaries(TEXT, st.integers() | TEXT, max_size=2))


def _round_trip(value: object, protocol: int = pickle.DEFAULT_PROTOCOL) -> object:
    return pickle.loads(pickle.dumps(value, protocol))  # noqa: S301 - pickled right here


@given(ANALYSES, DOCUMENTS)
def test_a_document_and_its_analysis_come_back_equal(analysis: Analysis, doc: Document) -> None:
    for protocol in (pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL):
        assert _round_trip(analysis, protocol) == analysis
        assert _round_trip(doc, protocol) == doc


def test_words_travel_joined_unless_a_word_holds_the_separator() -> None:
    plain = Analysis("a", 0.5, "neutral", (), (), (), 0, tokens=("茶叶", "抽检", ""))
    odd = Analysis("a", 0.5, "neutral", (), (), (), 0, tokens=("茶\x1f叶", "抽检"))
    assert pickle.dumps(plain).count("抽检".encode()) == 1
    assert plain.__reduce__()[1][-1] == "茶叶\x1f抽检\x1f"  # one string, split on the way back
    assert odd.__reduce__()[1][-1] == ("茶\x1f叶", "抽检")  # as they are
    assert _round_trip(odd) == odd
    assert _round_trip(plain) == plain
