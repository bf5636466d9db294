"""Channel type -> class: the entry-point group `brandguard.channels` (pyproject.toml).

A new channel is a `Channel` subclass with `from_config` and its `Options` (a
`ChannelOptions` subclass whose `type` is a `Literal` of its name), plus one entry point;
channels.yaml is validated against the registered options.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from brandguard.configuration.plugins import CHANNELS, load

if TYPE_CHECKING:
    from brandguard.alerts.channels.base import Channel
    from brandguard.configuration.channels import ChannelConfig
    from brandguard.configuration.models import Settings


def make_channel(config: ChannelConfig, settings: Settings) -> Channel:
    return cast("Channel", load(CHANNELS, config.type).from_config(config, settings))
