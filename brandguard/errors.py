"""Typed errors used for control flow.

`ConfigError` and `InputError` map to exit status 2 in the CLI; anything else is 1.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One configuration problem, located as precisely as the source allows."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ConfigError(Exception):
    """The configuration is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InputError(ValueError):
    """A single input item (a JSONL line, a CSV row) is unusable; the run goes on."""


class NotFound(InputError):
    """What a request names does not exist (an incident, a checklist step): 404 in the API."""


class NotConfigured(Exception):
    """A component is not configured or not available; it is skipped or refused."""


class StoreUnavailable(Exception):
    """The store can't be reached (network, cluster down); the write may succeed later."""


class StoreRejected(Exception):
    """The store refused data it will keep refusing (a mapping conflict): retrying won't help."""
