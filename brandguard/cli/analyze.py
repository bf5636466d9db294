"""`brandguard analyze` (JSONL in, analyses out, no store) and `brandguard ingest`."""

from __future__ import annotations

import json
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import click

from brandguard import wiring
from brandguard.analyzing import ANALYSIS_BATCH, parse_and_analyze
from brandguard.batching import batches
from brandguard.cli.context import AppContext, pass_app, progress
from brandguard.errors import InputError
from brandguard.inputs import numbered_lines
from brandguard.nlp.analyzer import Analyzer

if TYPE_CHECKING:
    from brandguard.pipeline import IngestReport

MODEL_OPTION = click.option("--sentiment-model", type=click.Path(path_type=Path, dir_okay=False,
                                                                  exists=True),
                            help="Sentiment model from train-sentiment (default: shipped).")
ENCODING_OPTION = click.option("--encoding", default="auto", show_default=True,
                               help="Input encoding; auto = UTF-8, else GB18030, per line.")


@click.command()
@click.argument("source", default="-")
@MODEL_OPTION
@ENCODING_OPTION
@pass_app
def analyze(app: AppContext, source: str, sentiment_model: Path | None, encoding: str) -> None:
    """Analyse JSONL documents from SOURCE (file or -); write one JSON analysis per line."""
    analyzer = Analyzer.from_config(app.config, sentiment_model)
    out = sys.stdout
    with progress(None, "doc", "analyze") as bar:
        for lines in batches(numbered_lines(source), ANALYSIS_BATCH):
            for (number, raw), (_, _doc, analysis) in zip(
                    lines, parse_and_analyze(analyzer, app.config.settings, lines, encoding),
                    strict=True):
                record = (analysis.to_json() if not isinstance(analysis, InputError)
                          else {"id": _id_hint(raw), "line": number, "error": str(analysis)})
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
            bar.update(len(lines))


def _id_hint(raw: bytes) -> str | None:
    try:
        value = json.loads(raw).get("id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


@click.command()
@click.argument("source", default="-")
@MODEL_OPTION
@ENCODING_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--workers", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Analysis worker processes (0: analyse in this process); this process "
                   "stays the one store writer. On N cores, N workers use them all.")
@pass_app
def ingest(app: AppContext, source: str, sentiment_model: Path | None, encoding: str,
           as_json: bool, workers: int) -> None:
    """Run JSONL documents through the pipeline: store, risk engine, then alert delivery."""
    report = run_ingest(app, source, sentiment_model, encoding, workers)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print_report(report)
    if report.read and report.rejected and not report.accepted and not report.stored.unchanged:
        sys.exit(2)


def run_ingest(app: AppContext, source: str, model: Path | None = None,
               encoding: str = "auto", workers: int = 0) -> IngestReport:
    with (app.store() as store, progress(None, "doc", "ingest") as bar,
          closing(wiring.build(app.config, store, model=model, workers=workers)) as wired):
        return wired.pipeline.ingest(numbered_lines(source), encoding, bar.update)


def print_report(report: IngestReport) -> None:
    """Chinese first, the English term after each figure (as the demo prints)."""
    s = report.stored
    click.echo(f"读取 read {report.read}：接收 accepted {report.accepted}（新增 new {s.inserted}，"
               f"更新 updated {s.updated}），重复 duplicates {s.unchanged}，"
               f"转载关联 near-duplicates linked {s.near_duplicates}，"
               f"未提及已配置品牌 no configured brand {report.unmatched}，"
               f"拒收 rejected {len(report.rejected)}")
    if report.queued:
        click.echo(f"存储不可达，已暂存 {report.queued} 条：存储恢复后由下一次 ingest 或 "
                   f"`brandguard run` 写入 (queued while the store was unreachable)", err=True)
    if report.ungrouped:
        click.echo(f"{report.ungrouped} 条已存文档事件聚类失败（见日志）：已研判，再次导入时聚类 "
                   f"(story grouping failed; grouped when ingested again)", err=True)
    for rejection in report.rejected[:50]:
        click.echo(f"  第 {rejection.line} 行 line {rejection.line}: {rejection.reason}",
                   err=True)
    if len(report.rejected) > 50:
        click.echo(f"  …… 另有 {len(report.rejected) - 50} 条拒收 (more rejections)", err=True)
