"""Crawled text and URLs made safe inside Markdown (robot messages, reports).

Every character that could start emphasis, a link, an image, a heading, a table cell or
HTML is backslash-escaped; control characters become spaces. A link target keeps only
characters that cannot end or restyle it; the rest is percent-encoded (UTF-8), so a
crawled `http://ok.example/a)**[登录](http://phish.example/)**` stays one link.
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LINK_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                       "-._~:/?#@!$&=;,%+")


def escape_markdown(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", _CONTROL.sub(" ", text))


def safe_link(url: str | None) -> str | None:
    """Only http(s) is ever linked: a crawled `javascript:` URL stays text."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def markdown_link_target(url: str) -> str:
    """`url` with every character that could end or restyle a Markdown link target —
    parentheses, brackets, emphasis, spaces, quotes — percent-encoded (UTF-8)."""
    return "".join(c if c in _LINK_SAFE else "".join(f"%{b:02X}" for b in c.encode())
                   for c in url)


def link(title: str, url: str | None) -> str:
    """`[title](url)` for an http(s) URL, else the escaped title alone."""
    target = safe_link(url)
    text = escape_markdown(title)
    return f"[{text}]({markdown_link_target(target)})" if target else text
