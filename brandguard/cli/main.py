"""Entry point: global options, verb registration, and exit codes.

Exit 0 on success, 2 on bad input or configuration (with a specific message on stderr),
1 on any other failure.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from brandguard import __version__
from brandguard.cli import (
    alerts,
    analyze,
    bench,
    check,
    demo,
    evaluation,
    incidents,
    report,
    run,
    search,
    sentiment,
    sources,
    store,
    web,
)
from brandguard.cli.context import AppContext, default_config_dir
from brandguard.errors import (
    ConfigError,
    InputError,
    NotConfigured,
    StoreRejected,
    StoreUnavailable,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


for module in (check, analyze, search, incidents, alerts, sources, run, sentiment, demo,
               bench, web, store, report, evaluation):
    module.register(cli)


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
