"""Typed model of `evaluation.yaml`: the indicator system and the member-review rules.

Each indicator is scored 0–100 by a rule: `linear` between a `floor` (0 points) and the
`target` (100 points), or `thresholds` (the score of the best step the value reaches).
`better: lower` turns either around (incidents, hours). Monitoring indicators read a
metric brandguard computes from the year's report (`brandguard.evaluation.metrics`);
manual ones are entered by the association (`brandguard evaluation set`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from brandguard.configuration.models import Id, NonEmpty, Strict
from brandguard.configuration.rules import Level, LevelName
from brandguard.evaluation.metrics import METRICS

GROUPS = ("品牌战略", "管理机制", "发展基础", "自主品牌", "品牌保护", "营销宣传", "评价制度")


class Step(Strict):
    at: float  # the value from which this score is reached
    score: Annotated[float, Field(ge=0, le=100)]


class Indicator(Strict):
    id: Id
    name: NonEmpty
    group: NonEmpty  # one of GROUPS, or the association's own
    source: Literal["monitoring", "manual"]
    metric: Id | None = None  # monitoring: which metric it reads (default: its id)
    unit: str = ""
    format: Literal["number", "percent", "signed"] = "number"  # how the report shows it
    weight: Annotated[float, Field(gt=0, le=100)]
    target: float
    better: Literal["higher", "lower"] = "higher"
    rule: Literal["linear", "thresholds"] = "linear"
    floor: float | None = None  # linear: the value scoring 0
    thresholds: list[Step] = Field(default_factory=list)
    description: str = ""  # what it measures and why it is in the system
    suggestion: str = ""  # the improvement measure proposed when it misses its target

    @model_validator(mode="after")
    def _rule(self) -> Indicator:
        if self.rule == "linear":
            if self.floor is None:
                raise ValueError("a linear rule needs a `floor` (the value that scores 0)")
            if (self.floor >= self.target) == (self.better == "higher"):
                side = "below" if self.better == "higher" else "above"
                raise ValueError(f"floor {self.floor} must be {side} the target "
                                 f"{self.target} when {self.better} is better")
        elif not self.thresholds:
            raise ValueError("a thresholds rule needs `thresholds: [{at, score}, …]`")
        if self.source == "manual" and self.metric is not None:
            raise ValueError("a manual indicator has no `metric`")
        if self.source == "monitoring" and self.reads not in METRICS:
            raise ValueError(f"unknown metric {self.reads!r}; brandguard computes "
                             f"{', '.join(sorted(METRICS))}")
        return self

    @property
    def reads(self) -> str:
        return self.metric or self.id


class MemberRules(Strict):
    """When the member review flags a member (advice for the association, never an act)."""

    flag_level: LevelName = Level.II  # an incident this severe or worse in the year
    negative_share: Annotated[float, Field(gt=0, le=1)] = 0.3  # of its mentions, the year
    min_mentions: Annotated[int, Field(ge=1)] = 5  # below this a share says little
    categories: list[Id] = Field(default_factory=lambda: ["counterfeit", "quality_safety"])
    category_documents: Annotated[int, Field(ge=1)] = 3  # documents in those categories
    open_steps: Annotated[int, Field(ge=1)] = 1  # contingency steps still open at year end


class EvaluationFile(Strict):
    indicators: Annotated[list[Indicator], Field(min_length=1)]
    members: MemberRules = Field(default_factory=MemberRules)

    @model_validator(mode="after")
    def _unique(self) -> EvaluationFile:
        ids = [i.id for i in self.indicators]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate indicator id(s): {', '.join(duplicates)}")
        return self
