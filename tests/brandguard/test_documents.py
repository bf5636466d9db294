"""The input contract (ARCHITECTURE §4.2): ids, times, encodings and per-line errors."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from brandguard.document_json import canonical_url, document_id, parse_line
from brandguard.errors import InputError

TZ = ZoneInfo("Asia/Shanghai")


def line(**fields: object) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode()


def test_tracking_parameters_and_fragments_do_not_change_the_id() -> None:
    a = "http://News.Example.com:80/a/1.html?utm_source=weibo&id=3&spm=a1.b2#top"
    b = "http://news.example.com/a/1.html?id=3"
    assert canonical_url(a) == b
    assert document_id(a) == document_id(b)
    assert document_id(b) != document_id("http://news.example.com/a/1.html?id=4")


def test_naive_time_is_read_as_shanghai_and_aware_time_kept() -> None:
    naive = parse_line(line(text="x", url="http://a.example/1", published_at="2026-11-20T09:00:00"),
                       TZ, max_bytes=10_000)
    aware = parse_line(line(text="x", url="http://a.example/1",
                            published_at="2026-11-20T01:00:00Z"), TZ, max_bytes=10_000)
    assert naive.published_at is not None
    assert aware.published_at is not None
    assert naive.published_at.utcoffset() == timedelta(hours=8)
    assert naive.published_at == aware.published_at


def test_unknown_fields_are_kept_and_given_id_wins() -> None:
    doc = parse_line(line(text="正文", id="my-1", shop_id=42), TZ, max_bytes=10_000)
    assert doc.id == "my-1"
    assert doc.extra == {"shop_id": 42}


def test_gbk_encoded_line_is_decoded_at_the_edge() -> None:
    raw = json.dumps({"text": "假冒安溪铁观音", "url": "http://a.example/g"},
                     ensure_ascii=False).encode("gbk")
    assert parse_line(raw, TZ, max_bytes=10_000).text == "假冒安溪铁观音"


@pytest.mark.parametrize(("raw", "reason"), [
    (b'{"text": "x", "url": ', "malformed JSON"),
    (line(url="http://a.example/1"), "missing required field 'text'"),
    (line(text="x"), "missing 'url'"),
    (line(text="x", url="ftp://a.example/1"), "not an absolute http(s) URL"),
    (line(text="x", url="http://a.example/1", published_at="yesterday"), "not ISO 8601"),
    (line(text="x", url="http://a.example/1", rating=9), "rating must be a number from 1 to 5"),
    (b"[1, 2]", "expected a JSON object"),
    (b"\xff\xfe\xfd\xff", "unknown encoding"),
])
def test_bad_lines_say_why(raw: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=re.escape(reason)):
        parse_line(raw, TZ, max_bytes=10_000)


def test_oversized_document_is_rejected_before_parsing() -> None:
    raw = line(text="字" * 5000, url="http://a.example/big")
    with pytest.raises(InputError, match="over the 10000-byte limit"):
        parse_line(raw, TZ, max_bytes=10_000)
