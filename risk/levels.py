"""From a signal to a level: score thresholds, raised by hard triggers.

Hard triggers (a recall, casualties, authoritative media) set a minimum level whatever the
score, because their damage does not wait for volume.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.configuration.rules import HardTrigger, Level, Rules

if TYPE_CHECKING:
    from collections.abc import Sequence


def level_for(score: float, rules: Rules) -> Level | None:
    t = rules.thresholds
    for level, threshold in ((Level.I, t.I), (Level.II, t.II), (Level.III, t.III),
                             (Level.IV, t.IV)):
        if score >= threshold:
            return level
    return None


def triggered(rules: Rules, texts: Sequence[str], sources: Sequence[str]) -> list[HardTrigger]:
    return [t for t in rules.hard_triggers
            if any(term in text for term in t.terms for text in texts)
            or any(source in t.sources for source in sources)]


def raise_to(level: Level | None, triggers: Sequence[HardTrigger]) -> Level | None:
    """The more severe (numerically lower) of the score level and every trigger's minimum."""
    levels = [t.min_level for t in triggers] + ([level] if level is not None else [])
    return min(levels) if levels else None
