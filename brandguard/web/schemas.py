"""Response and request bodies of /api/v1, typed so the OpenAPI document is exact."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from brandguard.configuration.models import BrandKind

PolarityName = Literal["positive", "neutral", "negative"]
SINCE_HELP = ("起始（含）：ISO 8601（无时区按配置时区）或时长如 7d、24h / start, inclusive: "
              "ISO 8601 or an age such as 7d")
UNTIL_HELP = "截止（不含）：同上 / end, exclusive: ISO 8601 or an age"


class Me(BaseModel):
    organization: str
    organization_name: str
    name: str
    kind: Literal["token", "session"]
    csrf: str | None = Field(default=None, description=(
        "A session's CSRF token, to send as X-CSRF-Token on writes; null for API tokens"))


class BrandOut(BaseModel):
    id: str
    name: str
    kind: BrandKind
    parent: str | None
    aliases: list[str]
    members: list[str] = Field(description="Member enterprise brands of a regional brand")


class MentionOut(BaseModel):
    brand: str
    polarity: PolarityName
    score: float
    spans: list[list[int]]
    parent: str | None = None


class DamageOut(BaseModel):
    category: str
    score: float
    evidence: list[str]


class DocumentOut(BaseModel):
    """A stored document with its analysis (ARCHITECTURE §4.3) and stored metadata.
    Unknown input fields are kept, as ingested."""

    model_config = ConfigDict(extra="allow")
    id: str
    url: str | None = None
    title: str | None = None
    text: str
    published_at: datetime | None = None
    source: str | None = None
    kind: str | None = None
    rating: float | None = None
    seller: str | None = None
    author: str | None = None
    sentiment: float
    polarity: PolarityName
    mentions: list[MentionOut]
    damage: list[DamageOut]
    keywords: list[str]
    simhash: str
    ingested_at: datetime
    duplicate_of: str | None = None


class MentionsQuery(BaseModel):
    """`/api/v1/mentions`' query parameters, read in one validation (web/query_model.py)."""

    q: str | None = Field(None, max_length=200, description="Text to find")
    brand: list[str] | None = Field(None, description=(
        "品牌 ID，可重复 / brand id; repeat for several"))
    since: str | None = Field(None, max_length=64, description=SINCE_HELP)
    until: str | None = Field(None, max_length=64, description=UNTIL_HELP)
    polarity: PolarityName | None = None
    category: str | None = Field(None, max_length=100)
    source: str | None = Field(None, max_length=200)
    kind: str | None = Field(None, max_length=40, description="news, review, social …")
    author: str | None = Field(None, max_length=200)
    min_reach: int | None = Field(None, ge=0, description=(
        "Social posts with followers + 10 × (reposts + comments) + likes at least this"))
    include_duplicates: bool = False
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


class SearchOut(BaseModel):
    total: int
    limit: int
    offset: int
    hits: list[DocumentOut]


class SeriesPoint(BaseModel):
    bucket: datetime
    total: int
    positive: int
    neutral: int
    negative: int
    sentiment_index: float | None = Field(
        description="(positive − negative) / total, from −1 to 1; null for an empty bucket")


class Series(BaseModel):
    brand: str
    bucket_seconds: int
    points: list[SeriesPoint]


class CategoryPoint(BaseModel):
    bucket: datetime
    category: str
    label: str
    count: int


class TermCount(BaseModel):
    term: str
    count: int


class AuthorExample(BaseModel):
    id: str | None = None
    title: str | None = None
    url: str | None = None
    engaged: int = 0


class AuthorOut(BaseModel):
    author: str
    source: str
    posts: int
    negative: int
    followers: int
    reach: int = Field(description="followers + Σ per post 10 × (reposts + comments) + likes")
    example: AuthorExample


class TopAuthorsOut(BaseModel):
    authors: list[AuthorOut]
    scanned: int = Field(description="posts read (the most recent, at most 2000)")
    total: int


class StoryArticleOut(BaseModel):
    id: str
    published_at: datetime
    source: str
    title: str
    url: str | None
    kind: str | None


class StorySourceOut(BaseModel):
    source: str
    documents: int


class StoryDayOut(BaseModel):
    day: str
    documents: int


class StoryOut(BaseModel):
    """One story (事件): the documents about one event, per brand."""

    id: str
    brand: str
    title: str
    first_at: datetime
    last_at: datetime
    first: StoryArticleOut = Field(description="首发: the earliest article")
    articles: list[StoryArticleOut] = Field(description="the first article of each source")
    documents: int = Field(description="every member, reposts included")
    reposts: int
    negative: int
    source_count: int
    sources: list[StorySourceOut]
    peak: StoryDayOut
    timeline: list[StoryDayOut]
    terms: dict[str, float]
    categories: list[str]


class TimelineOut(BaseModel):
    at: datetime
    actor: str
    action: str
    detail: str


class StepOut(BaseModel):
    id: str
    title: str
    owner: str
    due_at: datetime
    min_level: str
    done_at: datetime | None
    done_by: str
    note: str
    overdue: bool


class IncidentOut(BaseModel):
    id: str
    organization: str
    brand: str
    category: str
    category_label: str
    level: Literal["IV", "III", "II", "I"]
    level_label: str
    status: Literal["open", "acknowledged", "resolved"]
    opened_at: datetime
    last_evidence_at: datetime
    resolved_at: datetime | None
    silenced_until: datetime | None
    signal: dict[str, Any]
    evidence: list[str]
    linked: list[str]
    checklist: list[StepOut]
    timeline: list[TimelineOut]
    version: int


class DeliveryOut(BaseModel):
    event_seq: int
    event_key: str
    event_type: str
    incident: str
    channel: str
    status: Literal["pending", "sent", "failed", "suppressed"]
    attempts: int
    next_attempt_at: datetime
    updated_at: datetime
    last_error: str
    reason: str


class IncidentDetail(IncidentOut):
    evidence_documents: list[DocumentOut]
    deliveries: list[DeliveryOut]
    linked_from: list[str] = []  # regional incidents that roll this member incident up


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    by: str | None = Field(default=None, max_length=100, description=(
        "Who acts (a staff name). Required with an API token; a dashboard session acts as "
        "its user."))
    note: str = Field(default="", max_length=2000)


class Health(BaseModel):
    status: Literal["ok"]
