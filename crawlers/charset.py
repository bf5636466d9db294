"""Decide how a fetched body's bytes are text, checking every declaration against the bytes.

Declarations lie: Chinese portals serve UTF-8 under `<meta charset=gb2312>`, feeds name
encodings Python has no codec for, and `text/xml` without a charset means us-ascii by RFC
3023 although the bytes are GB18030. So the order is: a byte-order mark (or the XML
spec's UTF-16/32 signature without one), then valid UTF-8, then the HTTP header's charset,
then the document's own declaration — each believed only if it strictly decodes the bytes
— then GB18030, and UTF-8 with replacement as the last resort. Label aliases (latin-1 ->
cp1252) follow the WHATWG table w3lib keeps, except that gb2312 and gbk read as GB18030,
their superset, and byte-order marks include UTF-32's. A declared label with no codec at
all is said in `note`, so the source's `last_error` explains the choice.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    resolve_encoding,
)

# Longest first: a UTF-32-LE mark starts with UTF-16-LE's. Not w3lib's `read_bom`: since
# 2.6 it follows browsers, which read a UTF-32-LE mark as UTF-16-LE and know no UTF-32,
# while XML (Appendix F) and the feeds we read use both.
_MARKS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
          (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
          (codecs.BOM_UTF16_BE, "utf-16-be"))
# GB18030 is a superset of both: w3lib 2.6 resolves them to Python's narrower gbk codec,
# which refuses the characters GB18030 added (and pages labelled gb2312 use them).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030"}

# XML 1.0 Appendix F: how "<?" starts in the wide encodings when there is no mark.
_WIDE_SIGNATURES = ((b"\x3c\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00\x3c", "utf-32-be"),
                    (b"\x3c\x00\x3f\x00", "utf-16-le"), (b"\x00\x3c\x00\x3f", "utf-16-be"))
_WIDE = ("utf-16", "utf-32")
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # the codec name actually used
    note: str = ""  # why a declaration was not believed; empty when all agreed


def _codec(label: str | None) -> str | None:
    """The Python codec for a label, or None when there is none (`bogus`)."""
    if not label:
        return None
    resolved = resolve_encoding(label)
    if resolved is None:
        try:
            resolved = codecs.lookup(label).name
        except LookupError:
            return None
    return _SUPERSETS.get(resolved, resolved)


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _signature(body: bytes) -> tuple[str, bytes] | None:
    mark = next(((encoding, bom) for bom, encoding in _MARKS if body.startswith(bom)), None)
    if mark is not None:
        return mark
    head = body[:4]
    return next(((enc, b"") for sig, enc in _WIDE_SIGNATURES if head == sig), None)


def declared_in_body(body: bytes) -> str | None:
    """The label a body declares (XML declaration or HTML meta), as written: an XML label
    is kept even when unknown, so the fallback can say what was declared."""
    xml = _XML_DECLARATION.match(body[:1024])
    if xml:
        return xml.group(1).decode("ascii")
    label = html_body_declared_encoding(body[:4096])
    return label if isinstance(label, str) else None


def decode(body: bytes, content_type: str | None = None) -> Decoded:
    """The body as text and how it was read (see the module docstring for the order)."""
    signed = _signature(body)
    if signed is not None:
        encoding, mark = signed
        return Decoded(body[len(mark):].decode(encoding, errors="replace"), encoding)
    header = http_content_type_encoding(content_type) if content_type else None
    inner = declared_in_body(body)
    declared = [(where, label) for where, label in (("HTTP header", header),
                                                    ("document", inner)) if label]
    for _where, label in declared:  # a wide encoding can't be mistaken for UTF-8 bytes
        codec = _codec(label)
        if codec and codec.startswith(_WIDE) and (text := _strict(body, codec)) is not None:
            return Decoded(text, codec)
    utf8 = _strict(body, "utf-8")
    if utf8 is not None:
        return Decoded(utf8, "utf-8", _disbelieved(declared, "utf-8"))
    for _where, label in declared:
        codec = _codec(label)
        if codec and (text := _strict(body, codec)) is not None:
            return Decoded(text, codec, _disbelieved(declared, codec))
    text = _strict(body, "gb18030")
    if text is not None:
        return Decoded(text, "gb18030", _disbelieved(declared, "gb18030"))
    return Decoded(body.decode("utf-8", errors="replace"), "utf-8",
                   "neither the declared encoding, UTF-8 nor GB18030 decodes the bytes; "
                   "read as UTF-8 with replacement characters")


def _disbelieved(declared: list[tuple[str, str]], used: str) -> str:
    """Name declarations that have no codec at all. One that names a real encoding the
    bytes are not in (UTF-8 under a gb2312 meta) is corrected silently: it costs nothing."""
    notes = [f"the {where} declares an unknown encoding {label!r}"
             for where, label in declared if _codec(label) is None]
    return "; ".join(notes) + (f"; read as {used}" if notes else "")
