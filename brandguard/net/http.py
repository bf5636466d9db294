"""A small guarded HTTP client: POST JSON to a checked target, with timeouts and a size cap.

It connects to the address `check_url` approved (TLS still verifies the certificate for the
host name), never follows redirects (a webhook that redirects is misconfigured, and a
redirect is the classic SSRF bypass), and reads at most `max_bytes` of the response.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from brandguard.net.targets import Target

MAX_RESPONSE = 1_000_000


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a pinned address, with SNI and certificate checks for the host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout,
                         context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float = 10.0,
         max_bytes: int = MAX_RESPONSE) -> Response:
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPS(target, timeout)
    else:
        connection = http.client.HTTPConnection(target.address, target.port, timeout=timeout)
    try:
        host = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
        connection.request("POST", target.path, body=body,
                           headers={"Host": host, "Content-Type": "application/json",
                                    "User-Agent": "brandguard", **headers})
        response = connection.getresponse()
        return Response(response.status, response.read(max_bytes))
    finally:
        connection.close()
