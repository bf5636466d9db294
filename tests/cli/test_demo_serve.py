"""`brandguard demo --serve`: the demo, then the dashboard on its data with a printed login."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.web.helpers import login_form_token

if TYPE_CHECKING:
    from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_demo_serve_prints_a_login_that_shows_the_open_incident(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "brandguard", "demo", "--serve",
                                "--port", str(port)], cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    try:
        assert process.stdout is not None
        banner = ""
        for line in process.stdout:  # blocks until the demo prints; ends if it dies
            if "仪表盘 dashboard" in line:
                banner = line
                break
        match = re.search(r"(http://[\d.]+:\d+)/\s+登录 login: (\S+) / (\S+)", banner)
        assert match, f"no dashboard line (exit {process.poll()})"
        url, user, password = match.groups()
        with httpx.Client(base_url=url, timeout=60) as client:
            token = login_form_token(client)  # the socket listens before the banner prints
            done = client.post("/login", data={"username": user, "password": password,
                                               "csrf": token, "next": "/incidents"})
            assert done.status_code == 303
            page = client.get("/incidents?status=open")
            assert page.status_code == 200
            assert "溪源茶业" in page.text
            assert "待处理" in page.text
    finally:
        process.terminate()
        process.wait(30)


def test_a_busy_port_is_refused_before_the_demo_runs(tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "brandguard", "demo", "--serve",
                               "--port", str(port)], cwd=tmp_path, capture_output=True,
                              text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 2
    assert "--port" in done.stderr
    assert "端口已被占用" in done.stderr
    assert "crawling" not in done.stdout  # refused first, not after the demo's 20 s
    assert "Errno" not in done.stderr
