"""A small guarded HTTP client: POST to webhooks, GET for feeds, timeouts and size caps.

It connects to the address `check_url` approved (TLS still verifies the certificate for the
host name). `post` never follows redirects (a webhook that redirects is misconfigured);
`get` follows at most a few, re-checking every hop, because a redirect is the classic SSRF
bypass. Bodies are capped on the wire and again after gzip/deflate decompression (a
gzip bomb stops at the cap, not at the memory limit).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from brandguard.net.targets import BlockedTarget, check_url, system_resolver

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.net.targets import Network, Resolver, Target

MAX_RESPONSE = 1_000_000


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    url: str = ""


class TooLarge(ValueError):
    """The response exceeded the size cap (on the wire or decompressed)."""


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a pinned address, with SNI and certificate checks for the host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout,
                         context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPS(target, timeout)
    return http.client.HTTPConnection(target.address, target.port, timeout=timeout)


def _host_header(target: Target) -> str:
    return target.host if target.port in (80, 443) else f"{target.host}:{target.port}"


def _read_capped(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    raw = response.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise TooLarge(f"response larger than {max_bytes} bytes")
    encoding = (response.getheader("Content-Encoding") or "").lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return raw
    inflater = zlib.decompressobj(wbits=47 if "gzip" in encoding else 15)  # 47: auto header
    try:
        body = inflater.decompress(raw, max_bytes + 1)
    except zlib.error as exc:
        raise TooLarge(f"undecodable {encoding} body: {exc}") from exc
    if len(body) > max_bytes or inflater.unconsumed_tail:
        raise TooLarge(f"decompressed body larger than {max_bytes} bytes")
    return body


def _redirect(url: str, location: str) -> str:
    try:
        return urljoin(url, location)
    except ValueError as exc:  # a Location that cannot be split: refused like any bad hop
        raise BlockedTarget(f"redirect to an unparseable URL {location[:200]!r}: {exc}") from exc


def get(url: str, allow: Sequence[Network], headers: dict[str, str] | None = None,
        timeout: float = 15.0, max_bytes: int = 10_000_000, max_redirects: int = 5,
        resolver: Resolver = system_resolver) -> Response:
    """GET with every redirect hop checked against the SSRF rules."""
    for _ in range(max_redirects + 1):
        target = check_url(url, allow, resolver)
        connection = _connection(target, timeout)
        try:
            connection.request("GET", target.path, headers={
                "Host": _host_header(target), "User-Agent": "brandguard",
                "Accept-Encoding": "gzip, deflate", **(headers or {})})
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                url = _redirect(url, location)
                continue
            body = b"" if response.status == 304 else _read_capped(response, max_bytes)
            return Response(response.status, body,
                            {k.lower(): v for k, v in response.getheaders()}, url)
        finally:
            connection.close()
    raise BlockedTarget(f"more than {max_redirects} redirects")


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float = 10.0,
         max_bytes: int = MAX_RESPONSE) -> Response:
    connection = _connection(target, timeout)
    try:
        connection.request("POST", target.path, body=body,
                           headers={"Host": _host_header(target),
                                    "Content-Type": "application/json",
                                    "User-Agent": "brandguard", **headers})
        response = connection.getresponse()
        return Response(response.status, response.read(max_bytes))
    finally:
        connection.close()
