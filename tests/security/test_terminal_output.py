"""Crawled text is untrusted: it must not drive the terminal (escape sequences, CR tricks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.conftest import jsonl, run_cli, write_config

if TYPE_CHECKING:
    from pathlib import Path


def test_search_output_strips_terminal_control_sequences(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config")
    store = f"sqlite:///{tmp_path / 'bg.db'}"
    evil = {"url": "http://evil.example/1", "title": "八马茶业\x1b]0;pwned\x07\x1b[2J\r假冒",
            "text": "八马茶业\x1b[31m红色\x1b[0m"}
    ingest = run_cli("--config", str(config), "--store", store, "ingest", "-", stdin=jsonl(evil))
    assert ingest.returncode == 0, ingest.stderr
    result = run_cli("--config", str(config), "--store", store, "search", "八马")
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "\r" not in result.stdout
    assert "八马茶业" in result.stdout
