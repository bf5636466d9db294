"""`bench ingest --store http://…` runs end to end against a real Elasticsearch node and
prints the bulk, end-to-end and judged lines with their numbers (a small run: the figures
are the benchmark's business; this checks every line the README and the notes quote)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from click.testing import CliRunner

from brandguard.bench import corpus
from brandguard.cli.main import cli

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from tests.es_node import EsNode


def test_bench_ingest_into_elasticsearch_prints_judging_beside_plain_ingest(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, es_node: EsNode) -> None:
    monkeypatch.setattr(corpus, "SHARED_NEWS", tmp_path / "absent.csv")  # the bundled sample
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [
        "bench", "ingest", "--brands", "20", "--docs", "60", "--repeat", "1",
        "--baseline-docs", "3", "--held", "0", "--flood", "0", "--search-docs", "0",
        "--store", es_node.url])
    assert result.exit_code == 0, result.output
    rates = dict(re.findall(r"^ *(\S.*?)\s{2,}([\d,.]+) docs/s", result.output, re.M))
    assert {"brandguard ingest into Elasticsearch (end to end)",
            "of which bulk store writes alone",
            "end to end with judging (as `ingest`)"} <= set(rates), result.output
    assert all(float(v.replace(",", "")) > 0 for v in rates.values())
    assert re.search(r"^judging takes -?\d+% of Elasticsearch ingest time", result.output,
                     re.M), result.output
