"""Contingency-plan checklists: which steps an incident gets, and when they fall due.

An incident gets its category's steps for its level when it opens (deadlines from the
opening); an escalation adds the steps the new level calls for (deadlines from the
escalation). Steps already attached keep their deadlines and state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.incident import ChecklistStep

if TYPE_CHECKING:
    from datetime import datetime

    from brandguard.configuration.plans import Plan
    from brandguard.configuration.rules import Level


def steps_for(plan: Plan | None, level: Level, at: datetime,
              existing: tuple[ChecklistStep, ...] = (), *,
              rollup: bool = False) -> tuple[ChecklistStep, ...]:
    """`existing` plus every step that applies at `level` and is not attached yet; a
    regional roll-up (`rollup`) works the plan's `rollup_steps` when it has them."""
    if plan is None:
        return existing
    have = {s.id for s in existing}
    chosen = plan.rollup_steps if rollup and plan.rollup_steps else plan.steps
    added = tuple(ChecklistStep(step.id, step.title, step.owner, at + step.due, step.min_level)
                  for step in chosen
                  if step.id not in have and level <= step.min_level)  # I=1 is most severe
    return existing + added


def overdue(checklist: tuple[ChecklistStep, ...], now: datetime) -> list[ChecklistStep]:
    """Steps past their deadline, not done, not yet reported overdue."""
    return [s for s in checklist if s.done_at is None and not s.overdue and s.due_at < now]
