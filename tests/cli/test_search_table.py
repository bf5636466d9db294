"""`brandguard search` as a person reads it: a table aligned for Chinese, names instead of
ids, the store it searched, and specific errors (on the demo's story)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from click.testing import CliRunner

from brandguard.cli.main import cli
from brandguard.cli.table import cells
from tests.conftest import EXAMPLE_CONFIG

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.store.sqlite import SqliteStore


def _search(store_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--config", str(EXAMPLE_CONFIG), "--store", store_url,
                                      "search", *args])
    return result.exit_code, result.stdout, result.stderr


def _url(store: SqliteStore) -> str:
    database = store.path
    return f"sqlite:///{database}"


def test_results_are_an_aligned_table_of_names(demo_store: tuple[Config, SqliteStore]) -> None:
    _, store = demo_store
    code, out, _ = _search(_url(store), "--brand", "xiyuan", "--polarity", "negative")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"在 {_url(store)} 中检索到 ")
    header, *rows = lines[1:]
    assert header.split() == ["时间", "来源", "品牌", "情感", "风险类别", "标题", "链接"]
    link_column = cells(header[:header.index("链接")])
    for row in rows:
        start = row.index("http")
        assert cells(row[:start]) == link_column, row  # every link starts in one column
        assert "溪源茶业" in row
        assert "负面" in row
        assert "质量安全" in row
        assert "xiyuan" not in row[:start]
        assert "quality_safety" not in row


def test_an_unknown_category_is_an_error_like_an_unknown_brand(
        demo_store: tuple[Config, SqliteStore]) -> None:
    _, store = demo_store
    code, _, err = _search(_url(store), "--category", "nope")
    assert code == 2
    assert "unknown category 'nope'" in err
    assert "quality_safety" in err


def test_an_empty_store_says_which_and_that_it_is_empty(tmp_path: Path) -> None:
    code, out, _ = _search(f"sqlite:///{tmp_path / 'none.db'}", "茶")
    assert code == 0
    assert out.startswith(f"存储 sqlite:///{tmp_path / 'none.db'} 中还没有任何信息")
