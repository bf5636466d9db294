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
    "eval-sentiment": "sentiment:eval_sentiment", "demo": "demo:demo", "bench": "bench:bench",
    "serve": "web:serve", "token": "web:token", "user": "web:user", "store": "store:store_group",
    "report": "report:report", "evaluate": "evaluation:evaluate",
    "evaluation": "evaluation:evaluation_group", "measure": "evaluation:measure_group",
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
