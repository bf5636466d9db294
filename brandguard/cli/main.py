"""Entry point: global options, verb registration, and exit codes.

Exit 0 on success, 2 on bad input or configuration (with a specific message on stderr),
1 on any other failure.
"""

from __future__ import annotations

import logging
import sys
from importlib import import_module
from pathlib import Path

import click

from brandguard import __version__
from brandguard.cli.context import AppContext, default_config_dir
from brandguard.errors import (
    ConfigError,
    InputError,
    NotConfigured,
    StoreRejected,
    StoreUnavailable,
)

# Each verb and where it lives: imported when used, so `brandguard report` does not load
# Scrapy, FastAPI and the analyzer first (a second and a half of every start).
VERBS = {
    "check": "check:check", "analyze": "analyze:analyze", "ingest": "analyze:ingest",
    "search": "search:search", "incidents": "incidents:incidents",
    "incident": "incidents:incident", "ack": "incidents:ack", "resolve": "incidents:resolve",
    "check-step": "incidents:check_step", "silence": "incidents:silence",
    "tick": "incidents:tick", "alerts": "alerts:alerts", "crawl": "sources:crawl",
    "sources": "sources:sources", "run": "run:run",
    "train-sentiment": "sentiment:train_sentiment",
    "eval-sentiment": "sentiment:eval_sentiment", "eval-targets": "sentiment:eval_targets",
    "eval-stories": "stories:eval_stories",
    "demo": "demo:demo", "bench": "bench:bench",
    "serve": "web:serve", "token": "web:token", "user": "web:user", "store": "store:store_group",
    "report": "report:report", "evaluate": "evaluation:evaluate",
    "evaluation": "evaluation:evaluation_group", "measure": "evaluation:measure_group",
}


SUMMARIES = {  # `--help` lists these without importing each verb (a test keeps them true)
    'check': 'Validate the configuration; print every problem with...',
    'analyze': 'Analyse JSONL documents from SOURCE (file or -); write...',
    'ingest': 'Run JSONL documents through the pipeline: store, risk...',
    'search': 'Search stored documents by Chinese words, brand, time and...',
    'incidents': 'List incidents, newest first.',
    'incident': 'Show one incident with its signal, evidence and timeline.',
    'ack': 'Acknowledge an open incident.',
    'resolve': 'Resolve an incident.',
    'check-step': "Check a contingency-plan step off an incident's checklist.",
    'silence': "Silence an incident's notifications for a while; it stays...",
    'tick': 'Time-based transitions: report overdue checklist steps...',
    'alerts': 'Recent alert deliveries: status, attempts, last error,...',
    'crawl': 'Collect from the given sources (default: every enabled...',
    'sources': "Each source's health: last success, last error, failures,...",
    'run': 'Run every source on its interval, the risk tick and alert...',
    'train-sentiment': 'Train a sentiment model: the opinion head from CSV_FILES...',
    'eval-sentiment': 'Score a model on CSV_FILE (text,label or text,polarity),...',
    'eval-targets': 'Score which entity a negative text is about, on entity...',
    'eval-stories': 'Score story grouping on a labelled set (the demo story...',
    'demo': 'Crawl the sample sites into a fresh demo store and show...',
    'bench': 'Measure throughput and memory (ARCHITECTURE §6 targets).',
    'serve': 'Run the REST API and the dashboard against the store.',
    'token': 'API tokens: each bound to one organisation, stored only...',
    'user': 'Dashboard logins: each bound to one organisation;...',
    'store': 'Manage stores: copy between SQLite and Elasticsearch.',
    'report': 'Write the 舆情报告 of one brand for a period: overview,...',
    'evaluate': 'The yearly evaluation of a brand: indicator scores,...',
    'evaluation': 'Record what the yearly evaluation needs from the...',
    'measure': 'Improvement measures (改进措施) of the yearly evaluation.',
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *VERBS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in VERBS:
            module, attr = VERBS[cmd_name].split(":")
            command = getattr(import_module(f"brandguard.cli.{module}"), attr)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def load_all(self) -> LazyGroup:
        """Every verb imported (the docs test walks them all)."""
        for name in VERBS:
            self.get_command(click.Context(self), name)
        return self


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brandguard")
@click.option("--config", "config_dir", type=click.Path(path_type=Path), default=None,
              help="Configuration folder (env BRANDGUARD_CONFIG; default ./config).")
@click.option("--store", "store_url", envvar="BRANDGUARD_STORE", default=None,
              help="Store URL: sqlite:///path.db or http(s)://… (env BRANDGUARD_STORE).")
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
@click.pass_context
def cli(ctx: click.Context, config_dir: Path | None, store_url: str | None,
        verbose: bool) -> None:
    """brandguard — 区域品牌舆情监测: brand reputation monitoring for regional brands."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = AppContext(config_dir or default_config_dir(), store_url)



def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if isinstance(exc, click.UsageError | click.BadParameter) else exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except ConfigError as exc:
        click.echo(f"configuration has {len(exc.problems)} problem(s):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    except (InputError, NotConfigured, FileNotFoundError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except (StoreUnavailable, StoreRejected) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:
        logging.getLogger("brandguard").debug("unhandled", exc_info=True)
        click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
