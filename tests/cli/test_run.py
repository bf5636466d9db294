"""`brandguard run` as a real process: collects on schedule, stops cleanly, resumes."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from brandguard.net.local_server import QuietHandler, serving
from brandguard.store.sqlite import SqliteStore
from tests.conftest import write_config

if TYPE_CHECKING:
    from pathlib import Path

FEED = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>八马茶业新品</title><link>http://news.example/r/1</link>"
        "<description>八马茶业发布新品。</description></item></channel></rss>").encode()


def test_run_collects_stops_on_sigterm_and_resumes_from_stored_state(tmp_path: Path) -> None:
    polled = threading.Event()

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)
            polled.set()

    with serving(Handler) as base:
        run_and_stop(tmp_path, base, polled)


def run_and_stop(tmp_path: Path, base: str, polled: threading.Event) -> None:
    root = write_config(tmp_path / "cfg", settings="allow_private_targets: ['127.0.0.0/8']\n")
    (root / "sources.yaml").write_text(
        f"feeds:\n  - {{id: news, url: '{base}/rss', interval: 10m}}\n", encoding="utf-8")
    store_url = f"sqlite:///{tmp_path / 'bg.db'}"
    args = [sys.executable, "-m", "brandguard", "--config", str(root), "--store", store_url]
    process = subprocess.Popen([*args, "run"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert polled.wait(timeout=120), "the feed was never polled"
        # the poll's documents land in the store right after the request; wait for them
        store = SqliteStore(tmp_path / "bg.db", ZoneInfo("Asia/Shanghai"))
        deadline = threading.Event()
        for _ in range(600):
            state = store.source_state("news")
            if state is not None and state.items == 1:
                break
            deadline.wait(0.1)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out
    state = store.source_state("news")
    assert state is not None
    assert state.items == 1
    assert state.next_due is not None
    schedule = subprocess.run([*args, "run", "--print-schedule"], capture_output=True,
                              text=True, timeout=120, check=False)
    assert schedule.returncode == 0, schedule.stderr
    line = next(x for x in schedule.stdout.splitlines() if x.startswith("feed:news"))
    assert f"{state.next_due:%Y-%m-%d %H:%M:%S}" in line  # resumes, does not re-fetch now
