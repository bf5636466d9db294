"""Outbound URLs in configuration: refused by `check`, not at the first delivery or poll.

A URL must split (a port in range, a well-formed IPv6 literal), be absolute http(s) with a
host, and hold no whitespace or control characters. Robot and webhook URLs embed access
tokens, so their errors never repeat the value (`secret` in the error's context tells the
loader not to quote the input).
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, SecretStr
from pydantic_core import PydanticCustomError

_BAD_CHARACTERS = re.compile(r"[\s\x00-\x1f\x7f<>\"']")


def url_problem(url: str) -> str | None:
    """Why `url` is not a usable outbound http(s) URL, or None."""
    if _BAD_CHARACTERS.search(url):
        return "contains whitespace, quotes, angle brackets or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range or not a number
    except ValueError as exc:
        return f"cannot be parsed ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"scheme {parts.scheme or 'none'!r}: only http:// and https:// URLs are allowed"
    if not parts.hostname:
        return "has no host (expected http(s)://host/path)"
    return None


def _public(value: str) -> str:
    problem = url_problem(value)
    if problem:
        raise PydanticCustomError("url", "not an http(s) URL: {problem}", {"problem": problem})
    return value


def _secret(value: SecretStr) -> SecretStr:
    problem = url_problem(value.get_secret_value())
    if problem:
        raise PydanticCustomError("url", "not an http(s) URL: {problem} (value hidden: it may "
                                  "hold a token)", {"problem": problem, "secret": True})
    return value


HttpUrl = Annotated[str, AfterValidator(_public)]
SecretHttpUrl = Annotated[SecretStr, AfterValidator(_secret)]
