"""`brandguard report` end to end through the CLI, on the hand-counted month in SQLite."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from click.testing import CliRunner

from brandguard.cli.main import cli
from tests.reports.story import REGIONAL

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.store.sqlite import SqliteStore


def _run(story: tuple[Config, SqliteStore], *args: str) -> tuple[int, str, str, bytes]:
    config, _ = story
    database = config.root.parent / "story.db"  # where the fixture stored the month
    result = CliRunner().invoke(cli, ["--config", str(config.root), "--store",
                                      f"sqlite:///{database}", "report", *args])
    return result.exit_code, result.stdout, result.stderr, result.stdout_bytes


def test_json_to_stdout_is_the_contract_object(story: tuple[Config, SqliteStore],
                                               month: dict[str, object]) -> None:
    code, out, _, _ = _run(story, "--brand", REGIONAL, "--from", "2026-11-01", "--to",
                           "2026-11-30", "--format", "json")
    assert code == 0
    printed = json.loads(out)
    assert printed["indicators"] == month["indicators"]
    assert printed["members"] == month["members"]
    assert printed["peers"] == month["peers"]
    assert (printed["from"], printed["to"]) == ("2026-11-01", "2026-11-30")


def test_markdown_to_stdout(story: tuple[Config, SqliteStore]) -> None:
    code, out, _, _ = _run(story, "--brand", REGIONAL, "--from", "2026-11-01", "--to",
                           "2026-11-30")
    assert code == 0
    assert out.startswith("# 安溪铁观音舆情报告（2026\\-11\\-01 至 2026\\-11\\-30）")
    assert "## 同类品牌对比" in out


def test_binary_formats_need_out(story: tuple[Config, SqliteStore], tmp_path: Path) -> None:
    code, _, err, _ = _run(story, "--brand", REGIONAL, "--period", "month", "--format", "pdf")
    assert code == 2
    assert "--format pdf writes a file: give --out PATH" in err
    target = tmp_path / "out" / "r.docx"
    code, _, err, _ = _run(story, "--brand", REGIONAL, "--from", "2026-11-01", "--to",
                           "2026-11-30", "--format", "docx", "--out", str(target))
    assert code == 0, err
    assert target.read_bytes()[:2] == b"PK"
    assert not target.with_name("r.docx.part").exists()


def test_period_and_range_errors_are_specific(story: tuple[Config, SqliteStore]) -> None:
    cases = [
        (("--period", "week", "--from", "2026-11-01", "--to", "2026-11-02"), "not both"),
        (("--from", "2026-11-01"), "needs both --from and --to"),
        (("--from", "2026-11-30", "--to", "2026-11-01"), "ends (2026-11-01) before it starts"),
        (("--from", "1.11.2026", "--to", "2026-11-30"), "expected a day as YYYY-MM-DD"),
        (("--from", "2020-01-01", "--to", "2026-11-30"), "at most 1098 days"),
    ]
    for args, message in cases:
        code, _, err, _ = _run(story, "--brand", REGIONAL, *args)
        assert (code, message in err) == (2, True), (args, err)
    code, _, err, _ = _run(story, "--brand", "nope")
    assert code == 2
    assert "unknown brand id 'nope'" in err
