"""Risk signals: each a class plus one entry in the `brandguard.signals` entry-point group.

`spike` (reports of trust damage against the brand's baseline) is on by default;
`sentiment_shift` (the negative share of all mentions jumps against its baseline, with or without
a rise in volume) is switched on in rules.yaml's `signals:`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.configuration.plugins import SIGNALS, load

if TYPE_CHECKING:
    from brandguard.configuration.rules import Rules
    from brandguard.risk.signals.base import SignalType


def configured(rules: Rules) -> list[SignalType]:
    """The signals rules.yaml switches on, built with their options."""
    return [load(SIGNALS, options.type)(options, rules) for options in rules.signals]
