"""Typed model of `rules.yaml`: how the risk engine turns signals into graded incidents.

Every key has a documented default (README, "Risk rules"), so the file is optional.
Durations are strings such as `15m`, `6h`, `28d`.
"""

from __future__ import annotations

from datetime import timedelta
from enum import IntEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer

from brandguard.configuration.models import Duration, NonEmpty, Strict
from brandguard.configuration.signals import SignalOptions, as_signal


class Level(IntEnum):
    """Graded response levels: IV (blue, 一般) is the lowest, I (red, 特别重大) the highest."""

    IV = 4
    III = 3
    II = 2
    I = 1  # noqa: E741 - the level's official name

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS = {Level.IV: "IV级 蓝色 一般", Level.III: "III级 黄色 较大",
                Level.II: "II级 橙色 重大", Level.I: "I级 红色 特别重大"}


def _level(value: object) -> object:
    if isinstance(value, str) and value in Level.__members__:
        return Level[value]
    if isinstance(value, str):
        raise ValueError(f"{value!r} is not a level (expected IV, III, II or I)")
    return value


LevelName = Annotated[Level, BeforeValidator(_level), PlainSerializer(lambda v: v.name)]


class HardTrigger(Strict):
    """Evidence that sets a minimum level whatever the score (a recall, casualties,
    authoritative media)."""

    name: NonEmpty
    terms: list[NonEmpty] = Field(default_factory=list)
    sources: list[NonEmpty] = Field(default_factory=list)
    min_level: LevelName


class Thresholds(Strict):
    """Trust-damage score from which each level applies (IV opens an incident)."""

    IV: float = 1.5
    III: float = 4.0
    II: float = 8.0
    I: float = 15.0  # noqa: E741 - the level's official name


class Rules(Strict):
    windows: Annotated[list[Duration], Field(min_length=1)] = Field(
        default_factory=lambda: [timedelta(hours=1), timedelta(hours=6), timedelta(hours=24)])
    baseline: Duration = timedelta(days=28)
    min_evidence: Annotated[int, Field(ge=1)] = 3
    p_value: Annotated[float, Field(gt=0, lt=1)] = 0.001
    min_history: Duration = timedelta(days=3)
    baseline_floor_per_day: Annotated[float, Field(gt=0)] = 0.5
    quiet_period: Duration = timedelta(hours=72)
    rollup_weight: Annotated[float, Field(ge=0, le=1)] = 0.5
    category_weights: dict[NonEmpty, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    source_authority: dict[NonEmpty, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    hard_triggers: list[HardTrigger] = Field(default_factory=list)
    signals: Annotated[list[Annotated[SignalOptions, BeforeValidator(as_signal)]],
                       Field(min_length=1)] = Field(
        default_factory=lambda: [as_signal({"type": "spike"})])
