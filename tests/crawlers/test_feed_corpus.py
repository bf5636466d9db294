"""`brandguard crawl` over a corpus of good and broken feeds (bench feeds, smaller)."""

from __future__ import annotations

from brandguard.bench.feed_corpus import build, run


def test_the_corpus_has_every_kind_of_feed() -> None:
    feeds = build(400, seed=7)
    good = [f for f in feeds if f.links]
    assert 200 < len(good) < 320
    assert len({f.served[2][:40] for f in good}) > 10  # many declarations and encodings
    assert {f.served[0] for f in feeds} >= {200, 301, 302}


def test_no_feed_ends_the_crawl_and_every_good_item_is_stored() -> None:
    result = run(300, seed=11)
    assert result.exit_code == 0, result.stderr
    assert result.missing == [], result.stderr
    assert result.broken > 60
