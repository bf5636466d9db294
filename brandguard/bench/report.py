"""`brandguard bench report`: a yearly 舆情报告 over the 1 M-document SQLite store.

The store is `bench api`'s (filled once, reused). The report is for the heaviest brand the
store can give: b0 made a regional brand with every other brand but four as its members
(so `indicators_with_members` reads nearly every document of the year) and the four as its
peers. Each run is a fresh `brandguard report` process, as a person would start it; its
wall time and peak RSS (os.wait4) are measured. Beside them, in the same run: the store
queries alone (the JSON figures built in this process) and the JSON format end to end.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from brandguard.bench.corpus import brands_yaml
from brandguard.configuration.loader import builtin_lexicon_path, load_config
from brandguard.reports.figures import ReportBuilder
from brandguard.reports.period import containing
from brandguard.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from brandguard.configuration.loader import Config

PEERS = 4


def report_config(root: Path, brands: int) -> Config:
    """The bench brands, regrouped: b0 regional, b1..b4 its peers, the rest its members.
    Ids and names are `bench api`'s, so the stored mentions match."""
    lines = brands_yaml(brands).splitlines()
    out = []
    for line in lines:
        if "id: b0," in line:
            line = line.replace("kind: enterprise", "kind: regional").replace(
                "organization: bench,", "organization: bench, peers: [b1, b2, b3, b4],")
        elif any(f"id: b{i}," in line for i in range(1, PEERS + 1)):
            line = line.replace("kind: enterprise", "kind: peer")
        elif "id: b" in line:
            line = line.replace("organization: bench,", "organization: bench, parent: b0,")
        out.append(line)
    root.mkdir(parents=True, exist_ok=True)
    (root / "brands.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")
    (root / "lexicon.yaml").write_text(builtin_lexicon_path().read_text(encoding="utf-8"),
                                       encoding="utf-8")
    return load_config(root)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    size: int


def run_cli(config_dir: Path, db: Path, year: date, fmt: str, out: Path) -> Run:
    """One `brandguard report` process; its own wall time and peak RSS."""
    args = [sys.executable, "-m", "brandguard", "--config", str(config_dir), "--store",
            f"sqlite:///{db}", "report", "--brand", "b0", "--from", f"{year.year}-01-01",
            "--to", f"{year.year}-12-31", "--format", fmt, "--out", str(out)]
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode() if child.stderr else ""
    if child.returncode != 0:
        raise RuntimeError(f"report --format {fmt} failed ({child.returncode}): {errors}")
    return Run(took, usage.ru_maxrss / 1024, out.stat().st_size)


def store_queries(config: Config, db: Path, year: date) -> float:
    """The figures alone, in this process: what every format costs before rendering."""
    brand = config.brand("b0")
    if brand is None:
        raise RuntimeError("the bench configuration lost b0")
    store = SqliteStore(db, config.settings.tz)
    try:
        started = time.perf_counter()
        ReportBuilder(store, config).build(brand, containing("year", year))
        return time.perf_counter() - started
    finally:
        store.close()


def median(values: list[float]) -> float:
    return statistics.median(values)
