"""rjieba must give jieba's tokens (jieba is the reference) and keep brand names whole."""

from __future__ import annotations

import json

import pytest

from brandguard.nlp.segmenter import SEGMENTERS, make_segmenter
from tests.conftest import EXAMPLE_CONFIG


def sample_texts() -> list[str]:
    lines = (EXAMPLE_CONFIG / "demo" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    texts = []
    for raw in lines:
        try:
            texts.append(json.loads(raw)["text"])
        except ValueError:
            continue
    return texts


def test_rjieba_gives_the_reference_tokens() -> None:
    jieba_seg = make_segmenter("jieba", ["溪源茶业"])
    fast = make_segmenter("rjieba", ["溪源茶业"])
    texts = sample_texts()
    assert len(texts) > 20
    for text in texts:
        assert fast.cut(text) == jieba_seg.cut(text)


@pytest.mark.parametrize("name", sorted(SEGMENTERS))
def test_brand_words_are_never_split(name: str) -> None:
    plain = make_segmenter(name)
    assert "安溪铁观音集团" not in plain.cut("安溪铁观音集团发布声明")
    seg = make_segmenter(name, ["安溪铁观音集团", "八马茶业"])
    tokens = seg.cut("安溪铁观音集团和八马茶业发布声明")
    assert "安溪铁观音集团" in tokens
    assert "八马茶业" in tokens
    assert "".join(tokens) == "安溪铁观音集团和八马茶业发布声明"
