"""`bench ingest` runs end to end on the bundled sample and prints the judging line, the
writes into a store that already holds documents, and a repost flood's writes.

A small run (20 brands, 60 documents, one repeat): the figures are the benchmark's business;
this checks that every line the README quotes is printed and that its numbers parse.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from click.testing import CliRunner

from brandguard.bench import corpus
from brandguard.cli.main import cli

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_bench_ingest_prints_judging_beside_plain_ingest(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setattr(corpus, "SHARED_NEWS", tmp_path / "absent.csv")  # the bundled sample
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["bench", "ingest", "--brands", "20", "--docs", "60",
                                      "--repeat", "1", "--baseline-docs", "3",
                                      "--held", "90", "--flood", "120"])
    assert result.exit_code == 0, result.output
    rates = dict(re.findall(r"^ *(\S.*?)\s{2,}([\d,.]+) docs/s", result.output, re.M))
    assert {"ingest of JSONL lines, no judging",
            "ingest of JSONL lines with judging (as `ingest`)",
            "store writes and story grouping, 90 held",
            "store writes alone, 90 held",
            "store writes and story grouping, 120 reposts"} <= set(rates), result.output
    assert all(float(v.replace(",", "")) > 0 for v in rates.values())
    assert re.search(r"^judging takes -?\d+% of ingest time", result.output, re.M)
    assert re.search(r"^  a story reposted 120 times is stored at x\d+\.\d\d the rate",
                     result.output, re.M)


def test_bench_ingest_workers_prints_the_ratio_and_where_the_writer_waited(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(corpus, "SHARED_NEWS", tmp_path / "absent.csv")  # the bundled sample
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["bench", "ingest", "--brands", "20", "--docs", "600",
                                      "--repeat", "1", "--baseline-docs", "3", "--held", "0",
                                      "--flood", "0", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^--workers 2: x\d+\.\d\d the one-core rate", result.output, re.M)
    shares = re.search(r"^  the writer waited on the workers (\d+)% of a run; after the last "
                       r"batch came back it stored and closed alone for (\d+)%", result.output,
                       re.M)
    assert shares, result.output
    waited, alone = (int(g) for g in shares.groups())
    assert 0 <= waited + alone <= 100  # parts of one run
    assert alone > 0  # the last batch is stored after it came back
