"""Real servers on loopback for tests: an HTTP sink and an SMTP sink.

The HTTP sink records every request and answers from a script of (status, body) pairs, so
tests can make a receiver fail before it accepts; the SMTP sink is aiosmtpd.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from aiosmtpd.controller import Controller

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = 0.0  # time.monotonic() on receipt


@dataclass
class HttpSink:
    url: str
    requests: list[Recorded] = field(default_factory=list)
    script: list[tuple[int, bytes]] = field(default_factory=list)
    delay: float = 0.0  # seconds before answering: a slow receiver, not synchronisation


@contextmanager
def http_sink() -> Iterator[HttpSink]:
    sink = HttpSink("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            sink.requests.append(Recorded(self.path, dict(self.headers.items()),
                                          self.rfile.read(length), time.monotonic()))
            if sink.delay:
                time.sleep(sink.delay)
            status, body = sink.script.pop(0) if sink.script else (200, b'{"errcode": 0}')
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()


class _Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),  # type: ignore[attr-defined]
                              envelope.original_content))  # type: ignore[attr-defined]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_sink() -> Iterator[tuple[int, _Collect]]:
    """aiosmtpd on loopback; its readiness check needs a concrete port, so pick one."""
    handler = _Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()
