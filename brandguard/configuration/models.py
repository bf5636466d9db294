"""Typed models for the configuration folder.

`brands.yaml` follows ARCHITECTURE §4.4 (a contract); `settings.yaml` and `lexicon.yaml`
are brandguard's own. Every model forbids unknown keys so a typo is an error, not silence.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    PlainSerializer,
    SecretStr,
    StringConstraints,
    field_validator,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

_DURATION = re.compile(r"^(\d+)(ms|[smhdw])$")
_UNITS = {"ms": "milliseconds", "s": "seconds", "m": "minutes", "h": "hours", "d": "days",
          "w": "weeks"}


def parse_duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not a duration such as 15m, 6h or 28d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _written(value: timedelta) -> str:
    """As the config would write it again (the crawl process reads a site back from JSON)."""
    milliseconds = round(value.total_seconds() * 1000)
    return f"{milliseconds // 1000}s" if milliseconds % 1000 == 0 else f"{milliseconds}ms"


Duration = Annotated[timedelta, BeforeValidator(parse_duration), PlainSerializer(_written)]


def _cidr(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a CIDR such as 127.0.0.0/8") from exc
    return value


Cidr = Annotated[str, AfterValidator(_cidr)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BrandKind(StrEnum):
    REGIONAL = "regional"
    ENTERPRISE = "enterprise"
    PEER = "peer"  # watched for comparison only: counted, never judged or alerted on


class Organization(Strict):
    id: Id
    name: NonEmpty
    staff: list[NonEmpty] = Field(default_factory=list)  # who may act on incidents


class Brand(Strict):
    id: Id
    name: NonEmpty
    kind: BrandKind
    organization: Id
    aliases: list[NonEmpty] = Field(default_factory=list)
    exclude: list[NonEmpty] = Field(default_factory=list)
    parent: Id | None = None
    # shops allowed to sell under this (collective) trademark; empty = not checked
    authorized_sellers: list[NonEmpty] = Field(default_factory=list)
    # brands of the same organisation it is compared with (share of voice)
    peers: list[Id] = Field(default_factory=list)

    @property
    def judged(self) -> bool:
        """Whether the risk engine watches it: a peer is only counted."""
        return self.kind is not BrandKind.PEER

    @property
    def names(self) -> list[str]:
        """The name itself always counts, then the aliases."""
        return [self.name, *(a for a in self.aliases if a != self.name)]


class BrandsFile(Strict):
    organizations: list[Organization] = Field(default_factory=list)
    brands: list[Brand] = Field(default_factory=list)


class AnalysisSettings(Strict):
    segmenter: Literal["rjieba", "jieba"] = "rjieba"
    sentiment_model: Path | None = None
    unmatched: Literal["drop", "keep"] = "drop"
    near_duplicate_similarity: Annotated[float, Field(ge=0.5, le=1.0)] = 0.7
    keywords: Annotated[int, Field(ge=0, le=50)] = 8
    max_document_bytes: Annotated[int, Field(ge=1024)] = 1_000_000
    opinion_kinds: list[NonEmpty] = Field(default_factory=lambda: ["review", "social"])


class StorySettings(Strict):
    """How documents are grouped into stories (事件, `brandguard.stories`)."""

    # a document joins a story only if published within this of the story's span
    window: Duration = timedelta(days=3)
    # cosine of the document's terms with the story's, at least this
    similarity: Annotated[float, Field(gt=0, le=1.0)] = 0.3
    # and at least this many terms shared
    min_shared: Annotated[int, Field(ge=1, le=10)] = 2


class ElasticsearchSettings(Strict):
    """How the `http(s)://` store reaches its cluster; secrets come from `${ENV}` references."""

    index_prefix: Id = "brandguard"
    username: str | None = None
    password: SecretStr | None = None
    api_key: SecretStr | None = None
    ca_certs: Path | None = None
    request_timeout: Annotated[float, Field(gt=0, le=600)] = 30.0
    # at start, wait up to this many seconds for the cluster (0: fail at once)
    connect_wait: Annotated[float, Field(ge=0, le=3600)] = 0.0
    bulk_batch: Annotated[int, Field(ge=1, le=10_000)] = 500
    # bulk requests in flight at once per write (one per node core is a good start)
    bulk_workers: Annotated[int, Field(ge=1, le=32)] = 2
    shards: Annotated[int, Field(ge=1, le=64)] = 1
    replicas: Annotated[int, Field(ge=0, le=8)] = 0
    text_analyzer: NonEmpty = "standard"  # e.g. ik_max_word where the IK plugin is installed


class Settings(Strict):
    store: str = "sqlite:///./brandguard-data/brandguard.db"
    # durable queue for documents while the store is unreachable (flushed when it returns)
    spool: Path = Path("brandguard-data/spool.db")
    elasticsearch: ElasticsearchSettings = Field(default_factory=ElasticsearchSettings)
    timezone: str = "Asia/Shanghai"
    allow_private_targets: list[Cidr] = Field(default_factory=list)
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)
    stories: StorySettings = Field(default_factory=StorySettings)
    # the dashboard's address as readers reach it, for the link in digests (robots, mails)
    dashboard_url: HttpUrl | None = None
    # aggregate answers the dashboard and API keep, shared by the serving threads, until
    # the store is written (SQLite; `brandguard.store.figure_cache`); 0 turns the cache off
    figure_cache: Annotated[int, Field(ge=0, le=1_000_000)] = 1024

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (expected e.g. Asia/Shanghai)") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class DamageCategory(Strict):
    label: NonEmpty
    weight: Annotated[float, Field(gt=0, le=5)] = 1.0
    terms: dict[NonEmpty, Annotated[float, Field(gt=0, le=5)]]


class PolarityCues(Strict):
    negative: list[NonEmpty] = Field(default_factory=list)
    positive: list[NonEmpty] = Field(default_factory=list)


class Lexicon(Strict):
    categories: dict[Id, DamageCategory]
    negators: list[NonEmpty] = Field(default_factory=list)
    hedges: list[NonEmpty] = Field(default_factory=list)
    negation_window: Annotated[int, Field(ge=0, le=20)] = 6
    polarity_cues: PolarityCues = Field(default_factory=PolarityCues)
    opinion_cues: PolarityCues = Field(default_factory=PolarityCues)
