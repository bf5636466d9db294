"""The demo's own alert receivers on loopback: a mail catcher and a webhook receiver.

They save what arrives under brandguard-data/ (one .eml per message, one .json per webhook
call, with whether its HMAC signature verified), so a user can open the alerts afterwards.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiosmtpd.controller import Controller

from brandguard.net.local_server import QuietHandler, serving

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@dataclass
class Received:
    url: str
    folder: Path
    items: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # time.monotonic() at each arrival


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _SaveMail:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.times.append(time.monotonic())
        path = self.received.folder / f"{len(self.received.items) + 1:03d}.eml"
        path.write_bytes(envelope.original_content)
        self.received.items.append(str(path))
        return "250 OK"


@contextmanager
def mail_catcher(folder: Path) -> Iterator[Received]:
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    received = Received(f"smtp://127.0.0.1:{port}", folder)
    controller = Controller(_SaveMail(received), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield received
    finally:
        controller.stop()


@contextmanager
def webhook_receiver(folder: Path, secret: str) -> Iterator[Received]:
    folder.mkdir(parents=True, exist_ok=True)
    received = Received("", folder)

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.times.append(time.monotonic())
            expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            verified = hmac.compare_digest(expected,
                                           self.headers.get("X-Brandguard-Signature", ""))
            path = folder / f"{len(received.items) + 1:03d}.json"
            path.write_text(json.dumps({"signature_verified": verified,
                                        "idempotency_key": self.headers.get("Idempotency-Key"),
                                        "body": json.loads(body)}, ensure_ascii=False,
                                       indent=2), encoding="utf-8")
            received.items.append(str(path))
            self.send_response(200 if verified else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serving(Handler) as base:
        received.url = f"{base}/hook"
        yield received
