"""Turn one input line (ARCHITECTURE §4.2) into a `Document`, or say exactly why not.

Ids are stable: the given `id`, else a hash of the canonical URL (tracking parameters such
as utm_* and spm removed, host lower-cased, fragment dropped), so re-ingesting the same item
is an idempotent upsert. Naive timestamps are read in the configured zone (Asia/Shanghai).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from brandguard.errors import InputError
from brandguard.models import Document

KNOWN = {"id", "text", "url", "title", "published_at", "source", "kind", "rating", "seller",
         "author"}
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = {"spm", "scm", "from", "share_from", "share_token", "fbclid", "gclid",
                   "wfr", "isappinstalled", "from_source", "tt_from", "_hsenc", "_hsmi"}


def canonical_url(url: str) -> str:
    """Normalise a URL so reposted links to the same page share one id."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"url {url!r} is not an absolute http(s) URL")
    host = parts.hostname.lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or
                     (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)]
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(sorted(query)), ""))


def document_id(url: str) -> str:
    return "u" + hashlib.blake2b(canonical_url(url).encode(), digest_size=12).hexdigest()


def parse_time(value: Any, tz: tzinfo) -> datetime:
    if not isinstance(value, str):
        raise InputError(f"published_at must be an ISO 8601 string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"published_at {value!r} is not ISO 8601") from exc
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed


def _optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise InputError(f"field {key!r} must be a string, got {type(value).__name__}")
    return str(value)


def _rating(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 5:
        raise InputError(f"rating must be a number from 1 to 5, got {value!r}")
    return float(value)


def document_from_json(data: Any, tz: tzinfo) -> Document:
    """Validate one decoded JSON value against the input contract."""
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object, got {type(data).__name__}")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("missing required field 'text' (a non-empty string)")
    url = _optional_str(data, "url")
    given_id = _optional_str(data, "id")
    if given_id is None and url is None:
        raise InputError("missing 'url' (required unless 'id' is given)")
    doc_id = given_id if given_id is not None else document_id(url or "")
    if url is not None:
        canonical_url(url)
    published = data.get("published_at")
    return Document(
        id=doc_id, text=text, url=url, title=_optional_str(data, "title"),
        published_at=parse_time(published, tz) if published is not None else None,
        source=_optional_str(data, "source") or (urlsplit(url).hostname if url else None),
        kind=_optional_str(data, "kind"), rating=_rating(data.get("rating")),
        seller=_optional_str(data, "seller"), author=_optional_str(data, "author"),
        extra={k: v for k, v in data.items() if k not in KNOWN},
    )


def decode_line(raw: bytes, encoding: str) -> str:
    """Decode at the edge: UTF-8 (BOM tolerated), else GB18030 when `encoding` is auto."""
    if encoding != "auto":
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError("unknown encoding: neither UTF-8 nor GB18030") from exc


def parse_line(raw: bytes, tz: tzinfo, *, max_bytes: int, encoding: str = "auto") -> Document:
    if len(raw) > max_bytes:
        raise InputError(f"document is {len(raw)} bytes, over the {max_bytes}-byte limit")
    try:
        data = json.loads(decode_line(raw, encoding))
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg} at column {exc.colno}") from exc
    return document_from_json(data, tz)
