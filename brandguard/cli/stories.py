"""`brandguard eval-stories`: pairwise precision and recall of story grouping."""

from __future__ import annotations

from pathlib import Path

import click

from brandguard.cli.context import AppContext, pass_app
from brandguard.cli.sentiment import MODEL_OPTION
from brandguard.configuration.loader import load_config
from brandguard.durations import duration_zh
from brandguard.nlp.analyzer import load_sentiment_model
from brandguard.story_eval import PairScore, PoolResult, evaluate, read_labels

LABELS = Path(__file__).resolve().parents[1] / "bench" / "story_labels.csv"
DEMO_CONFIG = Path(__file__).resolve().parents[1] / "example_config"


@click.command("eval-stories")
@click.option("--labels", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              default=LABELS, show_default="the shipped labelled set")
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=Path(
    "../shared/data"), show_default=True, help="Where the labelled shared rows are read.")
@MODEL_OPTION
@pass_app
def eval_stories(app: AppContext, labels: Path, data: Path,
                 sentiment_model: Path | None) -> None:
    """Score story grouping on a labelled set (the demo story plus real news), pairwise."""
    config = load_config(DEMO_CONFIG)
    rule = config.settings.stories
    results = evaluate(config, read_labels(labels), data, load_sentiment_model(sentiment_model),
                       rule)
    click.echo(f"{labels}: window {duration_zh(rule.window)}, similarity {rule.similarity}, "
               f"min_shared {rule.min_shared}")
    click.echo(f"  {'pool':<24} {'docs':>5} {'pairs':>6}   stories P / R / F1"
               f"      baseline (reposts folded) P / R / F1")
    for result in results:
        _line(result.pool, result.documents, result.stories, result.baseline)
    _line("all (micro)", sum(r.documents for r in results), _total(results, "stories"),
          _total(results, "baseline"))


def _total(results: list[PoolResult], which: str) -> PairScore:
    total = PairScore(0, 0, 0)
    for result in results:
        total = total + getattr(result, which)
    return total


def _line(pool: str, docs: int, stories: PairScore, baseline: PairScore) -> None:
    click.echo(f"  {pool:<24} {docs:>5} {stories.gold:>6}   {stories.precision:.3f} / "
               f"{stories.recall:.3f} / {stories.f1:.3f}      {baseline.precision:.3f} / "
               f"{baseline.recall:.3f} / {baseline.f1:.3f}")
