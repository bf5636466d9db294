"""`token`, `user` and `serve --workers` as a user runs them: real processes, real sockets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from tests.cli.test_demo_serve import free_port
from tests.conftest import BRANDS_YAML, run_cli, write_config

if TYPE_CHECKING:
    from collections.abc import Callable


def base(tmp_path: Path) -> list[str]:
    root = write_config(tmp_path / "cfg", BRANDS_YAML.replace(
        "{id: anxi-tea, name: 安溪县茶业协会}",
        "{id: anxi-tea, name: 安溪县茶业协会, staff: [王秘书]}"))
    return ["--config", str(root), "--store", f"sqlite:///{tmp_path / 'bg.db'}"]


def test_tokens_are_printed_once_listed_and_revoked(tmp_path: Path) -> None:
    args = base(tmp_path)
    made = run_cli(*args, "token", "create", "--org", "anxi-tea", "--name", "crm")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("bg_")
    assert len(secret) > 40
    assert secret not in (tmp_path / "bg.db").read_bytes().decode("latin-1")  # hash only
    listed = run_cli(*args, "token", "list")
    token_id = listed.stdout.split()[0]
    assert "active" in listed.stdout
    assert "crm" in listed.stdout
    assert run_cli(*args, "token", "revoke", token_id).returncode == 0
    assert "revoked" in run_cli(*args, "token", "list").stdout
    unknown = run_cli(*args, "token", "create", "--org", "nobody")
    assert unknown.returncode == 2
    assert "no organization 'nobody'" in unknown.stderr


def test_users_must_be_staff_and_need_a_real_password(tmp_path: Path) -> None:
    args = base(tmp_path)
    stranger = run_cli(*args, "user", "add", "外人", "--org", "anxi-tea", "--password-stdin",
                       stdin="long enough password\n")
    assert stranger.returncode == 2
    assert "staff list" in stranger.stderr
    short = run_cli(*args, "user", "add", "王秘书", "--org", "anxi-tea", "--password-stdin",
                    stdin="short\n")
    assert short.returncode == 2
    assert "at least 8" in short.stderr
    added = run_cli(*args, "user", "add", "王秘书", "--org", "anxi-tea", "--password-stdin",
                    stdin="long enough password\n")
    assert added.returncode == 0, added.stderr
    assert "王秘书" in run_cli(*args, "user", "list").stdout


def test_serve_with_two_workers_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    args = base(tmp_path)
    secret = run_cli(*args, "token", "create", "--org", "anxi-tea").stdout.strip()
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "brandguard", *args, "serve", "--port",
                                str(port), "--workers", "2"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()  # printed once the socket listens
        assert "2 worker(s)" in banner, banner
        # each worker listens on its own SO_REUSEPORT socket, so the kernel balances
        # connections between them (one shared socket let one worker take most of them)
        assert wait_for(lambda: listening(port) == 2), listening(port)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60,
                          headers={"Authorization": f"Bearer {secret}"}) as client:
            for _ in range(20):  # spread over both workers
                brands = client.get("/api/v1/brands")
                assert brands.status_code == 200
                assert {b["id"] for b in brands.json()} == {"anxi-tieguanyin", "bama",
                                                            "anxi-group"}
        process.send_signal(signal.SIGTERM)  # the parent only: it must stop its workers
        assert process.wait(60) == 0
        leftover = subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True,
                                  text=True, check=False)
        assert leftover.stdout.strip() == ""
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def listening(port: int) -> int:
    """Listening TCP sockets on `port`, from the kernel's own table (Linux /proc)."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for row in rows if row.split()[1].endswith(f":{port:04X}")
               and row.split()[3] == "0A")


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll a condition the test cannot be told about (a forked worker binding its socket)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
