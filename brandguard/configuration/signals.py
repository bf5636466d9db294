"""`signals:` in rules.yaml: which risk signals judge the stored reports, each with its options.

A signal type is a class plus one registry entry: the entry-point group `brandguard.signals`
(pyproject.toml), which is also how a third party adds one without forking. Each class carries
its options as `Options`, a `SignalOptions` subclass whose `type` is a `Literal` of its own
name, so validation comes from the class and there is no list of names to keep in step. The
registry is read when a config is validated, never when this module is imported, so the config
core does not import the risk stage.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import Any

from pydantic import ValidationError

from brandguard.configuration.models import NonEmpty, Strict

GROUP = "brandguard.signals"


class SignalOptions(Strict):
    """The part every signal's options share."""

    type: NonEmpty


@cache
def registry() -> dict[str, Any]:
    """Signal name -> signal class, from the installed entry points."""
    found = {ep.name: ep.load() for ep in entry_points(group=GROUP)}
    if not found:
        raise RuntimeError(f"no risk signal is registered under the entry-point group {GROUP!r}: "
                           "install brandguard (pip install -e .) so its metadata exists")
    return found


def as_signal(value: object) -> SignalOptions:
    """One `signals:` item, validated by its own class's `Options`."""
    if isinstance(value, SignalOptions):
        return value
    if isinstance(value, str):
        value = {"type": value}
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise ValueError("expected a mapping with a `type`, such as {type: spike}")
    known = registry()
    kind = value["type"]
    if kind not in known:
        raise ValueError(f"unknown signal type {kind!r} (known: {', '.join(sorted(known))})")
    try:
        options: SignalOptions = known[kind].Options.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "type"
        message = ("unknown key" if first["type"] == "extra_forbidden"
                   else first["msg"].removeprefix("Value error, "))
        raise ValueError(f"{kind}: {where}: {message}") from None
    return options
