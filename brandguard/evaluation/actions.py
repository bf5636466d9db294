"""Writes to the evaluation log, checked: who may act, what may be recorded.

The same checks serve the CLI and the API: the actor must be on the organisation's
`staff` list (when it has one, as for incident actions), a manual value needs a manual
indicator and a number, a measure a text, an owner and a deadline, a decision a member of
the regional brand. A refused write raises `InputError` with the reason.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

from brandguard.errors import InputError
from brandguard.evaluation import ledger
from brandguard.evaluation.records import EvaluationEntry

if TYPE_CHECKING:
    from datetime import datetime

    from brandguard.configuration.loader import Config
    from brandguard.configuration.models import Brand
    from brandguard.store.ports import EvaluationLog

YEARS = range(2000, 2101)


class Actions:
    def __init__(self, store: EvaluationLog, config: Config, now: datetime) -> None:
        self.store, self.config, self.now = store, config, now

    def _entry(self, brand: Brand, year: int, kind: str, by: str,
               body: dict[str, Any]) -> EvaluationEntry:
        self._staff(brand, by)
        if year not in YEARS:
            raise InputError(f"year {year}: expected 2000-2100")
        return self.store.append_evaluation(EvaluationEntry(
            brand.organization, brand.id, year, kind, self.now, by, body))  # type: ignore[arg-type]

    def _staff(self, brand: Brand, by: str) -> None:
        if not by.strip():
            raise InputError("--by: who records this (a staff name) is required")
        self.config.check_staff(brand.organization, by)

    def set_value(self, brand: Brand, year: int, indicator: str, value: str, by: str,
                  note: str = "") -> EvaluationEntry:
        found = next((i for i in self.config.evaluation.indicators if i.id == indicator), None)
        if found is None:
            known = ", ".join(i.id for i in self.config.evaluation.indicators
                              if i.source == "manual")
            raise InputError(f"unknown indicator {indicator!r}; manual indicators: {known}")
        if found.source != "manual":
            raise InputError(f"{indicator} is computed from monitoring; it cannot be set")
        try:
            number = float(value.strip().rstrip("%")) / (100 if value.strip().endswith("%")
                                                          else 1)
        except ValueError:
            raise InputError(f"value {value!r}: expected a number such as 42 or 0.98") from None
        if not math.isfinite(number):
            raise InputError(f"value {value!r}: expected a finite number")
        return self._entry(brand, year, "value", by,
                           {"indicator": indicator, "value": number, "note": note})

    def add_measure(self, brand: Brand, year: int, text: str, owner: str, due: str, by: str,
                    indicator: str | None = None) -> EvaluationEntry:
        if not text.strip() or not owner.strip():
            raise InputError("a measure needs --text and --owner")
        try:
            deadline = date.fromisoformat(due)
        except ValueError:
            raise InputError(f"--due {due!r}: expected a day as YYYY-MM-DD") from None
        if indicator is not None and indicator not in {i.id for i in
                                                       self.config.evaluation.indicators}:
            raise InputError(f"unknown indicator {indicator!r}")
        return self._entry(brand, year, "measure", by, {
            "text": text.strip(), "owner": owner.strip(), "due": deadline.isoformat(),
            "indicator": indicator})

    def drop_proposal(self, brand: Brand, year: int, indicator: str, by: str,
                      note: str = "") -> EvaluationEntry:
        if indicator not in {i.id for i in self.config.evaluation.indicators}:
            raise InputError(f"unknown indicator {indicator!r}")
        return self._entry(brand, year, "measure_dropped", by,
                           {"indicator": indicator, "note": note})

    def measure(self, measure_id: str, organization: str | None = None) -> ledger.Measure:
        """The measure with this id (within `organization`, when given)."""
        entries = self.store.evaluation_entries(organization)
        found = next((m for m in ledger.measures(entries) if m.id == measure_id), None)
        if found is None:
            raise InputError(f"unknown measure {measure_id!r}")
        return found

    def finish_measure(self, measure_id: str, by: str, note: str = "",
                       organization: str | None = None) -> EvaluationEntry:
        measure = self.measure(measure_id, organization)
        if measure.done_at is not None:
            raise InputError(f"{measure_id} was already done by {measure.done_by} on "
                             f"{measure.done_at:%Y-%m-%d}")
        brand = self.config.brand(measure.brand)
        if brand is None:
            raise InputError(f"{measure_id}: brand {measure.brand!r} is no longer configured")
        return self._entry(brand, measure.year, "measure_done", by,
                           {"id": measure_id, "note": note})

    def decide(self, brand: Brand, year: int, member: str, decision: str, by: str,
               note: str = "") -> EvaluationEntry:
        if decision not in ledger.DECISIONS:
            raise InputError(f"decision {decision!r}: expected keep, warn or suspend")
        found = self.config.brand(member)
        if found is None or found.parent != brand.id:
            raise InputError(f"{member!r} is not a member of {brand.id}")
        return self._entry(brand, year, "decision", by,
                           {"member": member, "decision": decision, "note": note})
