"""Shared fixtures of the alert tests: real HTTP receivers on loopback."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.servers import HttpSink, http_sink

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def sinks() -> Iterator[tuple[HttpSink, HttpSink]]:
    """Two webhook receivers."""
    with http_sink() as a, http_sink() as b:
        yield a, b
