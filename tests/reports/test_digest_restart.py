"""A worker killed between deciding a digest and delivering it, restarted: the receiver
accepts exactly one copy per (route, brand, period), and a later start sends nothing.

Real processes (`brandguard run`), a real loopback webhook receiver that holds the first
request unanswered (the worker is killed while it waits), SIGKILL and a restart.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from brandguard.net.local_server import QuietHandler, serving
from brandguard.store.sqlite import SqliteStore
from tests.reports.story import REGIONAL, TZ, fill, story_config

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from brandguard.nlp.analyzer import Analyzer

WAIT = 120.0  # seconds: a bound on each wait, never a pause
KEY = f"digest:monthly:{REGIONAL}:"


class Receiver:
    def __init__(self) -> None:
        self.seen = threading.Event()  # the first request has arrived
        self.release = threading.Event()  # let the held request go (unanswered)
        self.accepted: list[dict[str, object]] = []
        self.got_one = threading.Event()
        self.requests = 0


@contextmanager
def holding_receiver() -> Iterator[tuple[str, Receiver]]:
    receiver = Receiver()

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.requests += 1
            if not receiver.seen.is_set():
                receiver.seen.set()
                receiver.release.wait(WAIT)  # never answered: not accepted
                return
            receiver.accepted.append(json.loads(body))
            receiver.got_one.set()
            self.reply(200, {"Content-Type": "application/json"}, b"{}")

    with serving(Handler) as url:
        try:
            yield url, receiver
        finally:
            receiver.release.set()


@contextmanager
def worker(config_dir: Path, log: Path, stop: int = signal.SIGTERM) -> Iterator[None]:
    """`brandguard run` in its own process until the block ends, then `stop` (SIGKILL: no
    chance to finish anything)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "brandguard", "-v", "--config", str(config_dir), "run"],
        cwd=config_dir.parent, stdout=subprocess.DEVNULL, stderr=log.open("ab"),
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        yield
    finally:
        process.send_signal(stop)
        process.wait(WAIT)


def _until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)  # polling a condition with a deadline, not a fixed pause


def test_killed_between_deciding_and_sending_then_restarted(tmp_path: Path,
                                                            analyzer: Analyzer) -> None:
    config = story_config(tmp_path)
    database = tmp_path / "worker.db"
    store = SqliteStore(database, TZ)
    fill(store, analyzer, config)
    store.close()
    log = tmp_path / "worker.log"
    with holding_receiver() as (url, receiver):
        (config.root / "settings.yaml").write_text(
            f"store: sqlite:///{database}\nspool: {tmp_path / 'spool.db'}\n"
            "allow_private_targets: ['127.0.0.0/8']\n", encoding="utf-8")
        (config.root / "channels.yaml").write_text(
            f"channels:\n  - {{id: hook, type: webhook, url: '{url}/in', timeout: 60}}\n"
            f"routes:\n  - {{id: monthly, organization: anxi-tea, brands: [{REGIONAL}], "
            "channels: [hook], digest: {every: month, at: '00:00'}}\n", encoding="utf-8")

        with worker(config.root, log, signal.SIGKILL):
            assert receiver.seen.wait(WAIT), log.read_text()  # sending, and held there
        receiver.release.set()
        with SqliteStore(database, TZ) as check:
            [decided] = check.list_deliveries(limit=10)
            assert decided.event_key.startswith(KEY)
            assert decided.status == "pending"

        with worker(config.root, log):
            assert receiver.got_one.wait(WAIT), log.read_text()

        passes = log.read_text().count("digest pass:")
        with worker(config.root, log):
            _until(lambda: log.read_text().count("digest pass:") > passes,
                   "the third worker's digest pass")

    keys = [str(a["idempotency_key"]) for a in receiver.accepted]
    [key] = keys  # exactly one copy accepted
    assert key.startswith(KEY)
    assert receiver.requests == 2  # the held one, then the one accepted; none after
    with SqliteStore(database, TZ) as check:
        assert [d.status for d in check.list_deliveries(limit=10)] == ["sent"]
