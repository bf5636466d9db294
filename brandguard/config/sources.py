"""Typed model of `sources.yaml`: what to collect and how often.

Only `feeds` (RSS/Atom) are collected so far; `sites` (Scrapy spiders) arrive with the
rest of the collection issue.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field

from brandguard.config.models import Id, NonEmpty, Strict
from brandguard.config.rules import Duration


class Feed(Strict):
    id: Id
    url: NonEmpty
    interval: Duration = timedelta(minutes=10)
    enabled: bool = True
    headers: dict[NonEmpty, str] = Field(default_factory=dict)
    authority: Annotated[float, Field(gt=0, le=10)] = 1.0
    max_bytes: Annotated[int, Field(ge=1024, le=100_000_000)] = 10_000_000


class SourcesFile(Strict):
    feeds: list[Feed] = Field(default_factory=list)
