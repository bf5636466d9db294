"""Where a route's store work runs: inline on the event loop for SQLite's brand-and-time
queries, on the thread pool for Elasticsearch (a network wait) and for heavy text searches."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from brandguard.web.api import on_store
from brandguard.web.auth import Authenticator
from brandguard.web.context import WebContext
from brandguard.web.stores import StorePool

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config


def context(config: Config, url: str) -> WebContext:
    return WebContext(config, StorePool(url, config.settings),
                      Authenticator(config.settings.tz, timedelta(hours=1)))


def thread_of(ctx: WebContext, *, heavy: bool = False) -> tuple[str, str]:
    """(the event loop's thread, the thread the work ran on)."""
    async def run() -> tuple[str, str]:
        ran = await on_store(ctx, lambda: threading.current_thread().name, heavy=heavy)
        return threading.current_thread().name, ran
    return asyncio.run(run())


@pytest.mark.parametrize(("url", "heavy", "inline"), [
    ("sqlite:///brandguard.db", False, True),
    ("sqlite:///brandguard.db", True, False),
    ("http://127.0.0.1:9200", False, False),
])
def test_store_work_runs_where_it_costs_least(config: Config, url: str, heavy: bool,
                                              inline: bool) -> None:
    loop_thread, ran = thread_of(context(config, url), heavy=heavy)
    assert (ran == loop_thread) is inline
