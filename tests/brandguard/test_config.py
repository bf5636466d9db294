"""Configuration loading: the example config, and one golden folder per error."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandguard.configuration.loader import load_config
from brandguard.errors import ConfigError
from tests.conftest import EXAMPLE_CONFIG, write_config

ERRORS = Path(__file__).resolve().parents[1] / "fixtures" / "config-errors"


def expectations(folder: Path) -> list[str]:
    source = folder / "brands.yaml" if (folder / "brands.yaml").exists() else folder / "EXPECT"
    return [line.split("Expect:", 1)[1].strip() for line in source.read_text().splitlines()
            if line.startswith("# Expect:")]


def test_example_config_describes_a_cluster_with_a_dozen_members() -> None:
    config = load_config(EXAMPLE_CONFIG)
    regional = [b for b in config.brands if b.kind == "regional"]
    members = [b for b in config.brands if b.parent == regional[0].id]
    assert len(regional) == 1
    assert len(members) >= 12
    assert config.settings.timezone == "Asia/Shanghai"


@pytest.mark.parametrize("case", sorted(p.name for p in ERRORS.iterdir()))
def test_config_error_names_file_line_and_field(case: str) -> None:
    folder = ERRORS / case
    with pytest.raises(ConfigError) as info:
        load_config(folder)
    rendered = [str(p).replace(str(folder) + "/", "") for p in info.value.problems]
    for expected in expectations(folder):
        assert any(expected in line for line in rendered), (expected, rendered)


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    root = write_config(tmp_path, """\
        organizations: [{id: o, name: 协会}]
        brands:
          - {id: a, name: 甲, kind: regional, organization: nope}
          - {id: a, name: 乙, kind: enterprise, organization: o, parent: ghost}
        """, settings="timezone: Nowhere/City\n")
    with pytest.raises(ConfigError) as info:
        load_config(root)
    messages = " | ".join(str(p) for p in info.value.problems)
    for part in ("unknown organization 'nope'", "duplicate id 'a'", "unknown brand 'ghost'",
                 "unknown time zone"):
        assert part in messages


def test_env_reference_fills_a_string_leaf_without_changing_structure(tmp_path: Path) -> None:
    root = write_config(tmp_path, settings='store: "${BG_STORE}"\n')
    config = load_config(root, env={"BG_STORE": "sqlite:///x.db\nanalysis: {segmenter: jieba}"})
    assert config.settings.store.startswith("sqlite:///x.db\n")
    assert config.settings.analysis.segmenter == "rjieba"


def test_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration folder not found"):
        load_config(tmp_path / "absent")
