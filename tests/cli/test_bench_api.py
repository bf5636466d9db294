"""`bench api` runs end to end on a small store: real `brandguard serve` processes (with and
without the figure cache), real HTTP clients, and the lines the README quotes, the load
generator's share among them.

A small run (20 brands, 400 documents, 2 clients for a second): the figures are the
benchmark's business; this checks that every line is printed and that its numbers parse.
"""

from __future__ import annotations

import re
import socket
from typing import TYPE_CHECKING

from click.testing import CliRunner

from brandguard.bench import corpus
from brandguard.cli.main import cli

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_bench_api_prints_server_and_load_generator_cpu(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.setattr(corpus, "SHARED_NEWS", tmp_path / "absent.csv")  # the bundled sample
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["bench", "api", "--docs", "400", "--brands", "20",
                                      "--clients", "2", "--seconds", "1", "--workers", "1",
                                      "--db", str(tmp_path / "api.db"),
                                      "--port", str(_free_port())])
    assert result.exit_code == 0, result.output
    loads = re.findall(r"^  GET (\S+) .*p95 +([\d.]+) ms .* ([\d.]+) req/s", result.output,
                       re.M)
    assert [path for path, _, _ in loads] == ["/api/v1/mentions",
                                              "/api/v1/brands/{id}/timeseries"], result.output
    assert all(float(rate) > 0 for _, _, rate in loads)
    server = re.findall(r"server CPU ([\d.]+) ms/request", result.output)
    generator = re.findall(r"load generator CPU ([\d.]+) ms/request; server and generator "
                           r"together ([\d.]+) of (\d+) cores", result.output)
    assert len(server) == len(generator) == 4, result.output  # two endpoints, two dashboards
    dashboards = re.findall(r"^  dashboard, (figure_cache: 0|figure cache), 2 .* ([\d.]+) req/s",
                            result.output, re.M)
    assert [label for label, _ in dashboards] == ["figure_cache: 0", "figure cache"]
    assert re.search(r"with the cache: p95 [\d.]+x, [\d.]+x the requests per second",
                     result.output), result.output
    assert all(float(ms) > 0 and 0 < float(used) <= int(cores) + 0.5
               for ms, used, cores in generator)
    assert "non-200" not in result.output
