"""Progress on a terminal, silence when piped: `brandguard crawl` under a real pty and a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from typing import TYPE_CHECKING

from tests.conftest import write_config
from tests.crawlers.test_rss_poller import RSS, feed_server, xml

if TYPE_CHECKING:
    from pathlib import Path


def crawl(tmp_path: Path, base: str, stderr: int) -> subprocess.Popen[bytes]:
    root = write_config(tmp_path / "cfg", settings="allow_private_targets: ['127.0.0.0/8']\n")
    (root / "sources.yaml").write_text(f"feeds:\n  - {{id: chaxun, url: '{base}/news.xml'}}\n",
                                       encoding="utf-8")
    return subprocess.Popen([sys.executable, "-m", "brandguard", "--config", str(root),
                             "--store", f"sqlite:///{tmp_path / 'bg.db'}", "crawl"],
                            stdout=subprocess.PIPE, stderr=stderr)


def drain(fd: int, process: subprocess.Popen[bytes]) -> bytes:
    """Everything written to the pty until the process ends (bounded by its timeout)."""
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        out += chunk
        if process.poll() is not None and not select.select([fd], [], [], 0.2)[0]:
            break
    return out


def test_crawl_shows_progress_on_a_terminal_and_nothing_when_piped(tmp_path: Path) -> None:
    routes = {"/news.xml": (200, {"Content-Type": "application/rss+xml"}, xml(RSS))}
    with feed_server(routes) as (base, _):
        leader, follower = pty.openpty()
        # a terminal of 24 x 100 cells: a new pty has no size, and tqdm draws nothing in 0 columns
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        shown = crawl(tmp_path / "tty", base, follower)
        os.close(follower)
        terminal = drain(leader, shown).decode("utf-8", "replace")
        os.close(leader)
        assert shown.wait(60) == 0
        piped = crawl(tmp_path / "pipe", base, subprocess.PIPE)
        out, err = piped.communicate(timeout=60)
    assert "chaxun" in terminal  # the source being collected
    assert "doc" in terminal  # and the documents stored so far
    assert "\r" in terminal  # drawn in place
    assert piped.returncode == 0
    assert err == b""  # quiet when piped
    assert b"chaxun" in out  # the results themselves go to stdout either way
