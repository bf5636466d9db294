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
from typing import TYPE_CHECKING, Any

from aiosmtpd.controller import Controller

from brandguard.net.local_server import QuietHandler, serving

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

    class Handler(QuietHandler):
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

    with serving(Handler) as base:
        sink.url = base
        yield sink


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


@contextmanager
def tls_auth_smtp_sink(user: str, password: str) -> Iterator[tuple[int, _Collect, Any]]:
    """SMTP that requires STARTTLS and AUTH (a certificate from a throwaway CA, trustme).

    Yields (port, collected messages, the CA) so the client can trust it.
    """
    import ssl

    import trustme
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(), password.encode())
        return AuthResult(success=ok)

    handler = _Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port,
                            tls_context=server_context, require_starttls=True,
                            authenticator=authenticate, auth_required=True)
    controller.start()
    try:
        yield port, handler, ca
    finally:
        controller.stop()


@contextmanager
def dropping_server() -> Iterator[int]:
    """Accepts a connection and closes it at once, like a server that falls over."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        listener.close()


class _Refuse(_Collect):
    def __init__(self, reply: str) -> None:
        super().__init__()
        self.reply = reply

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        return self.reply


@contextmanager
def refusing_smtp_sink(reply: str) -> Iterator[int]:
    """An SMTP server that answers DATA with `reply` (e.g. 451 try later, 554 rejected)."""
    port = free_port()
    controller = Controller(_Refuse(reply), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
