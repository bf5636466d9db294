"""`signals:` in rules.yaml: which risk signals judge the stored reports, each with its options.

A signal type is a class plus one registry entry: the entry-point group `brandguard.signals`
(pyproject.toml, `brandguard.configuration.plugins`), which is also how a third party adds one
without forking. Each class carries
its options as `Options`, a `SignalOptions` subclass whose `type` is a `Literal` of its own
name, so validation comes from the class and there is no list of names to keep in step. The
registry is read when a config is validated, never when this module is imported, so the config
core does not import the risk stage.
"""

from __future__ import annotations

from pydantic import ValidationError

from brandguard.configuration.models import NonEmpty, Strict
from brandguard.configuration.plugins import SIGNALS, check_name, load


class SignalOptions(Strict):
    """The part every signal's options share."""

    type: NonEmpty


def as_signal(value: object) -> SignalOptions:
    """One `signals:` item, validated by its own class's `Options`."""
    if isinstance(value, SignalOptions):
        return value
    if isinstance(value, str):
        value = {"type": value}
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise ValueError("expected a mapping with a `type`, such as {type: spike}")
    kind = check_name(SIGNALS, "signal type", value["type"])
    try:
        options: SignalOptions = load(SIGNALS, kind).Options.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "type"
        message = ("unknown key" if first["type"] == "extra_forbidden"
                   else first["msg"].removeprefix("Value error, "))
        raise ValueError(f"{kind}: {where}: {message}") from None
    return options
