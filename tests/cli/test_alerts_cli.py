"""`brandguard alerts test CHANNEL` against a real loopback receiver."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from tests.conftest import run_cli, write_config
from tests.servers import http_sink

if TYPE_CHECKING:
    from pathlib import Path


def configure(tmp_path: Path, url: str) -> Path:
    root = write_config(tmp_path / "cfg", settings="allow_private_targets: ['127.0.0.0/8']\n")
    (root / "channels.yaml").write_text(
        "channels:\n  - {id: hook, type: webhook, url: '${BG_HOOK_URL}', secret: '${BG_SECRET}'}\n",
        encoding="utf-8")
    return root


def test_alerts_test_delivers_reports_failures_and_unknown_channels(tmp_path: Path) -> None:
    with http_sink() as sink:
        root = configure(tmp_path, sink.url)
        env = {**os.environ, "BG_HOOK_URL": f"{sink.url}/x?token=TOPSECRET",
               "BG_SECRET": "s3cret"}
        ok = run_cli("--config", str(root), "alerts", "test", "hook", env=env)
        assert ok.returncode == 0, ok.stderr
        assert "hook (webhook): delivered" in ok.stdout
        assert len(sink.requests) == 1
        sink.script.append((500, b"down"))
        failed = run_cli("--config", str(root), "alerts", "test", "hook", env=env)
        assert failed.returncode == 1
        assert "NOT delivered: HTTP 500" in failed.stderr
        assert "worth retrying" in failed.stderr
        unknown = run_cli("--config", str(root), "alerts", "test", "nope", env=env)
        assert unknown.returncode == 2
        assert "no channel 'nope'" in unknown.stderr
        for output in (ok, failed, unknown, run_cli("--config", str(root), "check", env=env)):
            assert "TOPSECRET" not in output.stdout + output.stderr
