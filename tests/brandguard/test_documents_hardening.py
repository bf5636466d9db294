"""Hostile input lines are rejected one by one, with the reason; none reaches the store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from brandguard.document_json import (
    EARLIEST,
    MAX_DEPTH,
    canonical_url,
    document_from_json,
    in_window,
    parse_line,
)
from brandguard.errors import InputError

TZ = ZoneInfo("Asia/Shanghai")
BAD_URLS = ["http://x.example:99999/p", "http://x.example:abc/p", "http://[::1/p",
            "http://[zz]/p"]


def line(**fields: object) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode()


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_url_urllib_cannot_split_is_an_input_error(url: str) -> None:
    with pytest.raises(InputError, match="cannot be parsed"):
        canonical_url(url)
    with pytest.raises(InputError, match="cannot be parsed"):
        parse_line(line(text="八马茶业", url=url), TZ, max_bytes=10_000)


@pytest.mark.parametrize("url", ["http://a.example/x\r\nSet-Cookie: a=b",
                                 "http://a.example/\x00", "http://a.example/a\tb"])
def test_control_characters_in_a_url_are_refused(url: str) -> None:
    with pytest.raises(InputError, match="control characters"):
        document_from_json({"text": "x", "url": url}, TZ)


def test_spaces_quotes_and_angle_brackets_are_percent_encoded_when_stored() -> None:
    doc = document_from_json({"text": "x", "url": 'http://a.example/a b"<c>\'d'}, TZ)
    assert doc.url == "http://a.example/a%20b%22%3Cc%3E%27d"


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                                  "1989-12-31T23:59:59+00:00", "2999-01-01T00:00:00"])
def test_times_outside_the_window_are_rejected_with_the_window(when: str) -> None:
    with pytest.raises(InputError, match="outside the accepted window 1990-01-01"):
        parse_line(line(text="x", url="http://a.example/1", published_at=when), TZ,
                   max_bytes=10_000)


def test_the_window_runs_to_one_day_ahead_of_now() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert in_window(datetime(2026, 12, 1, 23, tzinfo=UTC), "x", now)
    assert in_window(EARLIEST, "x", now) == EARLIEST
    with pytest.raises(InputError):
        in_window(datetime(2026, 12, 2, 1, tzinfo=UTC), "x", now)


def test_stored_values_outside_the_window_read_as_unknown_time_never_fail() -> None:
    doc = document_from_json({"text": "x", "url": "http://a.example/1",
                              "published_at": "9999-12-31T23:59:59-12:00"}, TZ, stored=True)
    assert doc.published_at is None


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deeply_nested_json_is_rejected_before_the_parser_recurses(depth: int) -> None:
    raw = b'{"text": "x", "url": "http://a.example/1", "extra": ' + b"[" * depth \
        + b"]" * depth + b"}"
    with pytest.raises(InputError, match=f"nested deeper than {MAX_DEPTH} levels"):
        parse_line(raw, TZ, max_bytes=10_000_000)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = "[" * 200 + "八马茶业" + "{" * 200
    doc = parse_line(line(text=text, url="http://a.example/1", extra=[[["ok"]]]), TZ,
                     max_bytes=10_000)
    assert doc.text == text
    assert doc.extra == {"extra": [[["ok"]]]}
