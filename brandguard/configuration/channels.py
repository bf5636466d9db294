"""Typed model of `channels.yaml`: where alerts go.

Each channel is a `type` plus its settings; secrets (passwords, signing secrets, and robot
URLs, which embed access tokens) are `SecretStr`, so they print as ********** in `check`
output, logs and reprs. Write them as `${ENV_VAR}` references.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, Field, create_model, model_validator

from brandguard.configuration.models import Duration, Id, NonEmpty, Strict
from brandguard.configuration.plugins import CHANNELS, load, names
from brandguard.configuration.rules import Level, LevelName
from brandguard.configuration.urls import SecretHttpUrl

_ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


def _address(value: str) -> str:
    if not _ADDRESS.match(value):
        raise ValueError(f"{value!r} is not an e-mail address such as ops@example.com")
    return value


Address = Annotated[str, AfterValidator(_address)]
Timeout = Annotated[float, Field(gt=0, le=120)]


class ChannelOptions(Strict):
    """What every channel's options share. Each channel type subclasses it beside its class
    (`brandguard.alerts.channels`), with `type` a `Literal` of its own name, and registers
    the class in the entry-point group `brandguard.channels`: validation comes from there."""

    id: Id
    type: NonEmpty


class HttpChannelOptions(ChannelOptions):
    """What every HTTP-based channel has: a URL (a secret: robots embed tokens in it) and a
    timeout."""

    url: SecretHttpUrl
    timeout: Timeout = 10.0


ChannelConfig = ChannelOptions  # a validated entry of channels.yaml, of its own type


class QuietHours(Strict):
    """Local times between which less severe alerts wait (they are deferred, not dropped)."""

    start: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    end: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    max_level: LevelName = Level.III  # levels this severe or milder wait; II and I never do


class Digest(Strict):
    """A scheduled 舆情简报: the report of the period just ended, sent at a local time
    (`week`: Mondays, `month`: the 1st)."""

    every: Literal["day", "week", "month"]
    at: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "08:00"


INCIDENT_ONLY = ("categories", "min_level", "repeat_interval", "quiet_hours")


class Route(Strict):
    """Which events go where. Every matching route adds its channels (Alertmanager's
    `continue: true` for all routes); empty filters match everything.

    A route with `digest` sends the periodic report instead of incident alerts: for its
    `brands`, or every top-level brand of the organisation (regional brands and enterprises
    without a parent; members are in their regional brand's report). Its `id` names it in
    the idempotency key (route, brand, period), so it must be given and stay stable."""

    id: Id | None = None
    organization: Id
    brands: list[Id] = Field(default_factory=list)
    categories: list[Id] = Field(default_factory=list)
    min_level: LevelName = Level.IV
    channels: Annotated[list[Id], Field(min_length=1)]
    repeat_interval: Duration = timedelta(hours=4)
    quiet_hours: QuietHours | None = None
    digest: Digest | None = None

    @model_validator(mode="after")
    def _digest_route(self) -> Route:
        if self.digest is None:
            return self
        if self.id is None:
            raise ValueError("a digest route needs an `id` (it keys what was already sent)")
        misplaced = [f for f in INCIDENT_ONLY if f in self.model_fields_set]
        if misplaced:
            raise ValueError(f"{', '.join(misplaced)} apply to incident alerts, not to a "
                             "digest; put them on a separate route")
        return self


class ChannelsFileBase(Strict):
    channels: list[ChannelOptions] = Field(default_factory=list)  # narrowed by channels_file()
    routes: list[Route] = Field(default_factory=list)


@cache
def channels_file() -> type[ChannelsFileBase]:
    """The channels.yaml model: its `channels` are a union, by `type`, of every registered
    channel's options, built when first needed (so this module imports no channel)."""
    options = tuple(load(CHANNELS, name).Options for name in names(CHANNELS))
    union: Any = Annotated[Union[options], Field(discriminator="type")]  # noqa: UP007
    return create_model("ChannelsFile", __base__=ChannelsFileBase,
                        channels=(list[union], Field(default_factory=list)))
