"""Writes to the evaluation log: staff only, values parsed strictly, nothing recorded when
refused; through the CLI (exit 2 with the reason) and directly."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from typing import TYPE_CHECKING

import pytest

from brandguard.configuration.loader import load_config
from brandguard.errors import InputError
from brandguard.evaluation.actions import Actions
from brandguard.store.sqlite import SqliteStore
from tests.conftest import BRANDS_YAML, write_config
from tests.reports.story import REGIONAL, TZ

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config

NOW = datetime(2027, 1, 5, 10, 0, tzinfo=TZ)


@pytest.fixture
def staffed(tmp_path: Path) -> tuple[Config, SqliteStore]:
    brands = BRANDS_YAML.replace("{id: anxi-tea, name: 安溪县茶业协会}",
                                 "{id: anxi-tea, name: 安溪县茶业协会, staff: [王秘书, 李主任]}")
    config = load_config(write_config(tmp_path / "cfg", brands))
    return config, SqliteStore(tmp_path / "s.db", TZ)


def _brand(config: Config) -> object:
    brand = config.brand(REGIONAL)
    assert brand is not None
    return brand


@pytest.mark.parametrize(("call", "message"), [
    (lambda a, b: a.set_value(b, 2026, "trademark_licensees", "3", "张三"),
     "'张三' is not on the staff list of organization anxi-tea"),
    (lambda a, b: a.set_value(b, 2026, "trademark_licensees", "三家", "王秘书"),
     "expected a number"),
    (lambda a, b: a.set_value(b, 2026, "trademark_licensees", "nan", "王秘书"),
     "expected a finite number"),
    (lambda a, b: a.set_value(b, 2026, "net_sentiment", "0.5", "王秘书"),
     "computed from monitoring; it cannot be set"),
    (lambda a, b: a.set_value(b, 2026, "nope", "1", "王秘书"), "unknown indicator 'nope'"),
    (lambda a, b: a.set_value(b, 1900, "trademark_licensees", "1", "王秘书"), "2000-2100"),
    (lambda a, b: a.add_measure(b, 2026, "整改", "质量部", "明年", "王秘书"),
     "expected a day as YYYY-MM-DD"),
    (lambda a, b: a.add_measure(b, 2026, " ", "质量部", "2027-03-01", "王秘书"),
     "needs --text and --owner"),
    (lambda a, b: a.decide(b, 2026, "bama", "expel", "王秘书"), "expected keep, warn"),
    (lambda a, b: a.finish_measure("M404", "王秘书"), "unknown measure 'M404'"),
])
def test_refused_writes_say_why_and_record_nothing(staffed: tuple[Config, SqliteStore],
                                                   call: object, message: str) -> None:
    config, store = staffed
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        call(Actions(store, config, NOW), _brand(config))  # type: ignore[operator]
    assert store.evaluation_entries() == []


def test_percentages_history_and_a_measure_done_once(
        staffed: tuple[Config, SqliteStore]) -> None:
    config, store = staffed
    actions = Actions(store, config, NOW)
    brand = _brand(config)
    assert actions.set_value(brand, 2026, "quality_pass_rate", "97.5%", "王秘书").body[  # type: ignore[arg-type]
        "value"] == pytest.approx(0.975)
    added = actions.add_measure(brand, 2026, "专项整改", "质量部", "2027-03-01", "李主任")  # type: ignore[arg-type]
    actions.finish_measure(f"M{added.seq}", "王秘书", "已验收")
    with pytest.raises(InputError, match="already done by 王秘书"):
        actions.finish_measure(f"M{added.seq}", "李主任")
    assert [e.kind for e in store.evaluation_entries()] == ["value", "measure", "measure_done"]


def test_the_cli_refuses_someone_off_the_staff_list_with_exit_2(
        staffed: tuple[Config, SqliteStore], tmp_path: Path) -> None:
    config, _ = staffed
    base = [sys.executable, "-m", "brandguard", "--config", str(config.root), "--store",
            f"sqlite:///{tmp_path / 's.db'}", "evaluation", "set", "--brand", REGIONAL,
            "--year", "2026", "trademark_licensees", "12", "--by"]
    refused = subprocess.run([*base, "张三"], capture_output=True, text=True, timeout=120,
                             check=False)
    assert refused.returncode == 2
    assert "'张三' is not on the staff list" in refused.stderr
    done = subprocess.run([*base, "王秘书"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "trademark_licensees = 12" in done.stdout
