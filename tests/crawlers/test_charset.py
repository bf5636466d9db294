"""Deciding how bytes are text: declarations are checked against the bytes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandguard.crawlers.charset import decode

TEXT = "八马茶业公布检测报告，全部合格。"


@pytest.mark.parametrize(("body", "content_type", "encoding"), [
    (f"<meta charset=gb2312>{TEXT}".encode(), None, "utf-8"),  # the portal's lie
    (f"<meta charset=gb2312>{TEXT}".encode("gbk"), None, "gb18030"),
    (TEXT.encode("gbk"), "text/html; charset=utf-8", "gb18030"),  # a lying header too
    ("\ufeff".encode("utf-16-le") + TEXT.encode("utf-16-le"), "text/xml", "utf-16-le"),
    ("\ufeff".encode() + TEXT.encode(), None, "utf-8"),
    (f'<?xml version="1.0" encoding="utf-16"?>{TEXT}'.encode("utf-16-be"), None, "utf-16-be"),
    (f'<?xml version="1.0" encoding="utf-32"?>{TEXT}'.encode("utf-32-le"), None, "utf-32-le"),
])
def test_the_encoding_that_fits_the_bytes_wins(body: bytes, content_type: str | None,
                                               encoding: str) -> None:
    decoded = decode(body, content_type)
    assert decoded.encoding == encoding
    assert TEXT in decoded.text
    assert "\ufeff" not in decoded.text


def test_a_true_header_charset_is_believed() -> None:
    traditional = "八馬茶業公布檢測報告，全部合格。"
    decoded = decode(traditional.encode("big5"), "text/html; charset=big5")
    assert (decoded.encoding, decoded.text) == ("big5hkscs", traditional)  # WHATWG: a superset


def test_an_unknown_label_is_named_in_the_note() -> None:
    decoded = decode(f'<?xml version="1.0" encoding="x-nope"?>{TEXT}'.encode("gbk"))
    assert (decoded.encoding, decoded.note) == (
        "gb18030", "the document declares an unknown encoding 'x-nope'; read as gb18030")


def test_bytes_nothing_decodes_are_read_with_replacement_and_said() -> None:
    decoded = decode(b"abc\xff\xff\xff")  # neither UTF-8 nor GB18030
    assert (decoded.encoding, decoded.text[:3]) == ("utf-8", "abc")
    assert "replacement characters" in decoded.note


@given(st.binary(max_size=300), st.one_of(st.none(), st.text(max_size=40)))
def test_any_bytes_and_header_decode_without_raising(body: bytes,
                                                     content_type: str | None) -> None:
    decoded = decode(body, content_type)
    assert isinstance(decoded.text, str)
    assert decoded.encoding


@given(st.text(max_size=200), st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-32"]))
def test_text_declared_truthfully_round_trips(text: str, codec: str) -> None:
    body = (f'<?xml version="1.0" encoding="{codec}"?>' + text).encode(codec)
    assert decode(body).text.endswith(text)
