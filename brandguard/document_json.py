"""Turn one input line (ARCHITECTURE §4.2) into a `Document`, or say exactly why not.

Ids are stable: the given `id`, else a hash of the canonical URL (tracking parameters such
as utm_* and spm removed, host lower-cased, fragment dropped), so re-ingesting the same item
is an idempotent upsert. Naive timestamps are read in the configured zone (Asia/Shanghai).

Every value is checked where it enters, so nothing stored can break a later read: a URL
must split (a port in range, a well-formed IPv6 literal) and carry no control characters
(CR/LF would forge headers and lines); spaces, quotes and angle brackets are percent-
encoded so no renderer (HTML, Markdown, robot messages) can be broken out of; and a time
must lie within `EARLIEST` .. now + one day, which every timezone-aware read can hold.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from brandguard import engagement
from brandguard.document import Document
from brandguard.errors import InputError

KNOWN = {"id", "text", "url", "title", "published_at", "source", "kind", "rating", "seller",
         "author"}
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = {"spm", "scm", "from", "share_from", "share_token", "fbclid", "gclid",
                   "wfr", "isappinstalled", "from_source", "tt_from", "_hsenc", "_hsmi"}
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=1)  # clocks differ; a week-ahead stamp is a typo, not news
MAX_DEPTH = 32  # arrays and objects nested deeper than this are refused, not recursed into
# instants every zone can hold: a day of room on either side of what a datetime can hold
_HOLDABLE = (datetime.min.replace(tzinfo=UTC) + AHEAD, datetime.max.replace(tzinfo=UTC) - AHEAD)
_URL_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_URL_UNSAFE = str.maketrans({" ": "%20", '"': "%22", "'": "%27", "<": "%3C", ">": "%3E",
                             "`": "%60", "\\": "%5C", "{": "%7B", "}": "%7D", "|": "%7C",
                             "^": "%5E"})
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_NEST = re.compile(rb"[\[\]{}]")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def clean_url(url: str) -> str:
    """The URL as stored: control characters refused, renderer-breaking ones encoded."""
    url = url.strip()
    if _URL_CONTROL.search(url):
        raise InputError(f"url {url!r} contains control characters (CR, LF, tab or NUL)")
    return url.translate(_URL_UNSAFE)


def canonical_url(url: str) -> str:
    """Normalise a URL so reposted links to the same page share one id."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # a port out of range or not a number, a broken [IPv6]
        raise InputError(f"url {url!r} cannot be parsed: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"url {url!r} is not an absolute http(s) URL")
    host = parts.hostname.lower()
    if port and not ((parts.scheme == "http" and port == 80) or
                     (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)]
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(sorted(query)), ""))


def document_id(url: str) -> str:
    return _id_of(canonical_url(url))


def _id_of(canonical: str) -> str:
    return "u" + hashlib.blake2b(canonical.encode(), digest_size=12).hexdigest()


def parse_time(value: Any, tz: tzinfo) -> datetime:
    if not isinstance(value, str):
        raise InputError(f"published_at must be an ISO 8601 string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"published_at {value!r} is not ISO 8601") from exc
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed


def in_window(parsed: datetime, value: object, now: datetime | None = None) -> datetime:
    """`parsed` if it lies within EARLIEST .. now + AHEAD, else a clear InputError."""
    latest = (now or datetime.now(UTC)) + AHEAD
    try:
        inside = EARLIEST <= parsed.astimezone(UTC) <= latest
    except OverflowError:  # 9999-12-31T23:59:59-12:00 is past what a datetime holds in UTC
        inside = False
    if not inside:
        raise InputError(f"published_at {value!r} is outside the accepted window "
                         f"{EARLIEST:%Y-%m-%d} .. one day ahead of now")
    return parsed


def query_time(value: datetime) -> datetime:
    """A time a person asks for (search bounds): any instant every zone can hold, else an
    InputError — never an OverflowError deep in a store."""
    try:
        inside = _HOLDABLE[0] <= value.astimezone(UTC) <= _HOLDABLE[1]
    except OverflowError:
        inside = False
    if not inside:
        raise InputError(f"{value.isoformat()} is outside the range of dates that can be "
                         "searched")
    return value


def stored_time(value: Any, tz: tzinfo) -> datetime | None:
    """A time read back from a store: never raises (a stored value must not break reads,
    even one written before the window existed); one no zone can hold reads as unknown."""
    try:
        return query_time(parse_time(value, tz))
    except InputError:
        return None


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


def document_from_json(data: Any, tz: tzinfo, *, stored: bool = False) -> Document:
    """Validate one decoded JSON value against the input contract. `stored`: the value
    comes back from a store or the spool, where it was checked on the way in; then an
    out-of-range time reads as unknown instead of failing the read."""
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object, got {type(data).__name__}")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("missing required field 'text' (a non-empty string)")
    url = _optional_str(data, "url")
    given_id = _optional_str(data, "id")
    if given_id is None and url is None:
        raise InputError("missing 'url' (required unless 'id' is given)")
    canonical = None
    if url is not None and not stored:
        url = clean_url(url)
        canonical = canonical_url(url)  # checked even when an id is given
    if given_id is not None:
        doc_id = given_id
    else:
        doc_id = _id_of(canonical) if canonical is not None else document_id(url or "")
    return Document(
        id=doc_id, text=text, url=url, title=_optional_str(data, "title"),
        published_at=_published(data.get("published_at"), tz, stored),
        source=_optional_str(data, "source") or (urlsplit(url).hostname if url else None),
        kind=_optional_str(data, "kind"), rating=_rating(data.get("rating")),
        seller=_optional_str(data, "seller"), author=_optional_str(data, "author"),
        extra={k: v for k, v in data.items() if k not in KNOWN} | _engagement(data),
    )


def _engagement(data: dict[str, Any]) -> dict[str, int]:
    """A social post's counts as integers (`1.2万` → 12000), so every store sums and compares
    the same numbers; a count that cannot be read is refused, naming the field."""
    out = {}
    for name in engagement.FIELDS:
        value = data.get(name)
        if value is None:
            continue
        number = engagement.count(value)
        if number is None:
            raise InputError(f"{name} must be a count such as 1234 or 1.2万, got {value!r}")
        out[name] = number
    return out


def _published(value: Any, tz: tzinfo, stored: bool) -> datetime | None:
    if value is None:
        return None
    if stored:
        return stored_time(value, tz)
    return in_window(parse_time(value, tz), value)


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


def check_depth(raw: bytes, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit` before the recursive parser sees it."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return
    depth = 0
    for match in _JSON_NEST.finditer(_JSON_STRING.sub(b'""', raw)):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > limit:
            raise InputError(f"JSON nested deeper than {limit} levels")


def parse_line(raw: bytes, tz: tzinfo, *, max_bytes: int, encoding: str = "auto") -> Document:
    if len(raw) > max_bytes:
        raise InputError(f"document is {len(raw)} bytes, over the {max_bytes}-byte limit")
    check_depth(raw)
    try:
        data = json.loads(decode_line(raw, encoding))
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg} at column {exc.colno}") from exc
    except RecursionError as exc:  # a depth the scan could not see (a foreign encoding)
        raise InputError(f"JSON nested deeper than {MAX_DEPTH} levels") from exc
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise InputError(f"unusable JSON value: {exc}") from exc
    if _SURROGATE_ESCAPE.search(raw):
        _refuse_lone_surrogates(data)
    return document_from_json(data, tz)


def _refuse_lone_surrogates(data: Any) -> None:
    """A `\\ud800` escape without its pair decodes to a string no store can encode."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError("a string holds an unpaired UTF-16 surrogate escape "
                         "(\\ud800-\\udfff without its pair)") from exc
