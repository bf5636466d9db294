"""Typed model of contingency plans (风险控制预案), one YAML file per category in `plans/`.

A plan lists ordered steps, each with an owner role, a deadline relative to the moment the
step is attached (the incident's opening, or the escalation that added it) and the least
severe level it applies at: an incident gets the steps for its level, and more when it
escalates. A regional brand's roll-up incident gets `rollup_steps` instead, when the plan has
them, so one event does not hand the association two copies of the member's checklist.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from brandguard.configuration.models import Duration, Id, NonEmpty, Strict
from brandguard.configuration.rules import LevelName


class PlanStep(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    title: NonEmpty
    owner: NonEmpty
    due: Duration
    min_level: LevelName


class Plan(Strict):
    category: Id
    name: NonEmpty
    steps: Annotated[list[PlanStep], Field(min_length=1)]
    rollup_steps: list[PlanStep] = Field(default_factory=list)
    """What a regional brand works when its incident rolls up its members' reports: inform
    the members, protect the collective mark. The member's own incident, linked from it, keeps
    `steps`. Empty: the regional incident gets `steps` too."""
