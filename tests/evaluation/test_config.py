"""`evaluation.yaml` is validated like every other file: file, line and field on each
error; without it the shipped default applies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from brandguard.configuration.loader import load_config
from brandguard.errors import ConfigError
from brandguard.evaluation.system import default_system
from tests.conftest import write_config

if TYPE_CHECKING:
    from pathlib import Path

BROKEN = """\
indicators:
  - id: licensees
    name: 授权企业数
    group: 自主品牌
    source: manual
    weight: 10
    target: 50
    floor: 80
  - id: sentiment
    name: 净情感
    group: 营销宣传
    source: monitoring
    weight: 0
    target: 0.3
    floor: -0.3
  - id: happiness
    name: 幸福感
    group: 营销宣传
    source: monitoring
    weight: 5
    target: 1
    floor: 0
"""


def test_every_problem_has_its_file_line_and_field(tmp_path: Path) -> None:
    root = write_config(tmp_path / "cfg")
    (root / "evaluation.yaml").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    found = {(p.line, p.field): p.message for p in caught.value.problems}
    assert all(str(p.file).endswith("evaluation.yaml") for p in caught.value.problems)
    assert "floor 80.0 must be below the target 50.0" in found[(2, "indicators[0]")]
    assert "greater than 0" in found[(13, "indicators[1].weight")]
    assert "unknown metric 'happiness'" in found[(16, "indicators[2]")]


def test_without_the_file_the_shipped_default_applies(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "cfg"))
    ids = [i.id for i in config.evaluation.indicators]
    assert config.evaluation == default_system()
    for required in ("net_sentiment", "share_of_voice", "incidents_major",
                     "incident_resolution_hours", "checklist_on_time"):
        assert required in ids
    manual = [i for i in config.evaluation.indicators if i.source == "manual"]
    assert len(manual) >= 3
    assert all(i.description and i.suggestion for i in config.evaluation.indicators)
    assert sum(i.weight for i in config.evaluation.indicators) == 100
