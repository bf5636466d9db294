"""What every risk signal produces: one (brand, category) judged at one moment.

The engine turns it into a level (score thresholds, raised by hard triggers) and opens or updates
an incident when the window holds enough evidence and the p-value is small enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from brandguard.store.ports import DocumentReader, Figures

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.configuration.rules import Rules
    from brandguard.configuration.signals import SignalOptions
    from brandguard.document import Analysis
    from brandguard.store.base import StoredDocument


@dataclass(frozen=True, slots=True)
class Signal:
    brand: str
    category: str
    at: datetime
    window: timedelta
    count: int
    spread: int
    expected: float
    p_value: float
    score: float
    evidence: tuple[StoredDocument, ...]
    triggers: tuple[str, ...] = ()
    history: timedelta = timedelta(0)  # how much of the brand's past the baseline rests on
    members: tuple[tuple[str, int], ...] = ()  # regional roll-up: member id, reports counted
    mentions: int = 0  # all mentions in the window (reposts once), for the negative share
    negative: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "window_s": int(self.window.total_seconds()),
                "count": self.count, "spread": self.spread,
                "expected": round(self.expected, 4), "p_value": float(f"{self.p_value:.3g}"),
                "score": round(self.score, 3), "triggers": list(self.triggers),
                "history_days": round(self.history.total_seconds() / 86400, 2),
                "members": dict(self.members), "mentions": self.mentions,
                "negative_share": round(self.negative / self.mentions, 3) if self.mentions
                else 0.0}


class SignalStore(DocumentReader, Figures, Protocol):
    """What a signal reads: documents and their figures, never incidents."""


class SignalType(Protocol):
    """A kind of signal: a class plus one entry in the `brandguard.signals` entry-point group."""

    Options: ClassVar[type[SignalOptions]]

    def __init__(self, options: SignalOptions, rules: Rules) -> None: ...

    def owns(self, category: str) -> bool:
        """Whether incidents of this category are this signal's to judge."""

    def reports(self, analysis: Analysis) -> list[tuple[str, str]]:
        """The (brand, category) pairs a stored analysis asks this signal to judge."""

    def compute(self, store: SignalStore, brand: str, category: str, at: datetime,
                members: tuple[str, ...] = ()) -> Signal: ...


@dataclass(frozen=True, slots=True)
class Ask:
    """One judgement the engine is about to make: a (brand, category) at a report's time,
    with the members whose reports roll up into the brand's signal."""

    brand: str
    category: str
    at: datetime
    members: tuple[str, ...] = ()

    @property
    def group(self) -> tuple[str, ...]:
        return (self.brand, *self.members)


@runtime_checkable
class Screening(Protocol):
    """A signal that can tell, cheaply, that no incident could open for an ask.

    Optional: a signal without it is always computed. `screen` answers a whole stored batch's
    asks at once (a few counts from the store, not one per report: on Elasticsearch each
    count is a round trip). An answer must be False only where `compute` would give a signal short
    of what opens an incident (the engine then skips it with no open incident); it may be
    True where compute then finds nothing."""

    def screen(self, store: SignalStore, asks: Sequence[Ask]) -> list[bool]: ...
