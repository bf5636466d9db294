"""Fingerprints: MinHash finds reposts (转载) of short news; SimHash is its 64-bit summary."""

from __future__ import annotations

from brandguard.neardup import similarity
from brandguard.nlp.fingerprint import (
    _BAND_MIX,
    _P1,
    BANDS,
    ROWS,
    fingerprint,
    fingerprints,
    hamming,
)

STORY = ("市场监管总局发布食品安全监督抽检信息，溪源茶业生产的一批次绿茶检出农药残留超标，抽检不合格。"
         "监管部门已责令企业召回问题产品，并立案调查。此事引发消费者对云岭茶质量的担忧。")
OTHER = ("在日前闭幕的国际茶业博览会上，云岭毛尖凭借鲜爽的口感和独特的兰花香荣获金奖。"
         "协会将继续推动标准化种植，提升品牌价值，带动茶农增收致富。")
REPOST = "转自新闻门户：" + STORY + "（来源：新闻门户）"


def test_fingerprints_are_deterministic() -> None:
    assert fingerprint(STORY).simhash == fingerprint(STORY).simhash != 0
    assert (fingerprint(STORY).signature == fingerprint(STORY).signature).all()
    assert hamming(0b1011, 0b0001) == 2


def test_repost_is_similar_and_shares_a_band_other_story_does_not() -> None:
    story, repost, other = fingerprint(STORY), fingerprint(REPOST), fingerprint(OTHER)
    assert similarity(story.signature.tobytes(), repost.signature.tobytes()) >= 0.8
    assert similarity(story.signature.tobytes(), other.signature.tobytes()) < 0.2
    assert set(story.band_keys) & set(repost.band_keys)
    assert not set(story.band_keys) & set(other.band_keys)
    assert hamming(story.simhash, repost.simhash) < hamming(story.simhash, other.simhash)


def test_punctuation_and_case_do_not_change_the_fingerprint() -> None:
    assert fingerprint("Hello，世界！品牌").simhash == fingerprint("hello 世界 品牌").simhash


def test_too_short_text_has_no_fingerprint() -> None:
    assert fingerprint("好").signature.size == 0
    assert fingerprint("好").band_keys == []
    assert fingerprint("好").simhash == 0


def test_band_keys_are_the_stored_formula() -> None:
    """Band keys are stored (near-duplicate lookup across runs), so they must stay what
    they were: per band, the rows times their mixers plus the band times P1, mod 2**64,
    halved. Computed here in plain integers, not numpy."""
    signature = fingerprint(STORY).signature
    mask = (1 << 64) - 1
    expected = []
    for band in range(BANDS):
        rows = signature[band * ROWS:(band + 1) * ROWS].tolist()
        total = sum(v * int(m) for v, m in zip(rows, _BAND_MIX.tolist(), strict=True))
        expected.append(((total + band * int(_P1)) & mask) >> 1)
    assert fingerprint(STORY).band_keys == expected
    assert fingerprints([STORY, STORY])[1].band_keys == expected
