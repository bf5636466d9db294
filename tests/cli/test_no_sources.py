"""`crawl` and `sources` with no source configured say so, instead of printing nothing;
`check-step` prints the step it checked, not the whole incident again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from click.testing import CliRunner

from brandguard.cli.main import cli
from tests.conftest import write_config

if TYPE_CHECKING:
    from pathlib import Path


def test_crawl_and_sources_name_the_missing_file(tmp_path: Path) -> None:
    root = write_config(tmp_path / "cfg")
    for verb in ("crawl", "sources"):
        result = CliRunner().invoke(cli, ["--config", str(root), "--store",
                                          f"sqlite:///{tmp_path / 's.db'}", verb])
        assert result.exit_code == 0
        assert result.stdout.startswith(f"未配置任何来源：{root}/sources.yaml 中没有 feeds、sites 或 searches")
