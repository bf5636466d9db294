"""The open incidents of one stored batch's brands, read once for the whole batch.

The engine asks "is an incident open for (brand, category)?" before every judgement: on
Elasticsearch each question is a search (about 2.6 ms), asked hundreds of times per batch
about a handful of incidents. Here the batch's brands' open incidents are read in one go,
and what the engine itself opens, updates or resolves while judging the batch replaces the
entry. A change made elsewhere meanwhile (a person acknowledging or resolving, another
process) is caught where it matters, on save: the store refuses a stale version or a second
open incident with `ConcurrentUpdate`, and the engine then `forget`s the entry so the retry
reads the store afresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.incident import OPEN_STATUSES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from brandguard.incident import Incident
    from brandguard.store.ports import IncidentLog

Pair = tuple[str, str]


class OpenIncidents:
    def __init__(self, store: IncidentLog, brands: Iterable[str] = ()) -> None:
        self.store = store
        self.brands = sorted(set(brands))
        self.known: dict[Pair, Incident | None] = {}
        self.read: set[str] = set()
        if self.brands:
            self._read_all()

    def _read_all(self) -> None:
        found = [i for status in OPEN_STATUSES
                 for i in self.store.list_incidents(self.brands, status=status)]
        # as open_incident_for: the newest if a store ever held two
        for incident in sorted(found, key=lambda i: i.opened_at):
            self.known[(incident.brand, incident.category)] = incident
        self.read.update(self.brands)

    def get(self, brand: str, category: str) -> Incident | None:
        pair = (brand, category)
        if pair in self.known:
            return self.known[pair]
        if brand in self.read:
            return None  # read with its brand: nothing open
        found = self.store.open_incident_for(brand, category)
        self.known[pair] = found
        return found

    def saw(self, incident: Incident) -> None:
        """The engine's own write (or an opening already decided): what is open now."""
        pair = (incident.brand, incident.category)
        self.known[pair] = incident if incident.status in OPEN_STATUSES else None

    def forget(self, brand: str, category: str) -> None:
        """Changed elsewhere: the next `get` reads the store."""
        self.known.pop((brand, category), None)
        self.read.discard(brand)
