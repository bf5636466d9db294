"""`evaluate --year 2026` on the demo's story, as README shows it: a total, every default
indicator with a value, in `missing` or not applicable, and a PDF poppler can read."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from tests.conftest import EXAMPLE_CONFIG
from tests.reports.test_render import poppler

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.store.sqlite import SqliteStore


def _evaluate(store: SqliteStore, *args: str) -> subprocess.CompletedProcess[str]:
    database = store.path
    return subprocess.run([sys.executable, "-m", "brandguard", "--config", str(EXAMPLE_CONFIG),
                           "--store", f"sqlite:///{database}", "evaluate", "--brand",
                           "yunling-maojian", "--year", "2026", *args],
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_demo_year_is_evaluated(demo_store: tuple[Config, SqliteStore],
                                    tmp_path: Path) -> None:
    config, store = demo_store
    done = _evaluate(store)
    assert done.returncode == 0, done.stderr
    evaluation = json.loads(done.stdout)
    assert 0 < evaluation["total"] <= 100
    ids = {i.id for i in config.evaluation.indicators}
    accounted = ({r["id"] for r in evaluation["indicators"] if r["value"] is not None}
                 | set(evaluation["missing"]) | set(evaluation["not_applicable"]))
    assert accounted == ids
    review = {m["brand"]: m for m in evaluation["members_review"]}
    assert review["xiyuan"]["flag"]  # the member with the level-II quality incident
    assert any("II级" in r for r in review["xiyuan"]["reasons"])
    pdf = tmp_path / "evaluation.pdf"
    assert _evaluate(store, "--format", "pdf", "--out", str(pdf)).returncode == 0
    text = poppler("pdftotext", str(pdf), "-")
    assert "云岭毛尖2026年度区域品牌建设评价报告" in text.replace("\n", "")
    assert "负责人（签字）" in text
    for line in poppler("pdffonts", str(pdf)).splitlines()[2:]:
        assert line.split()[-5] == "yes", line
