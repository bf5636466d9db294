"""Channel type -> class. A new channel is a class with `from_config` and one entry here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brandguard.alerts.channels.chatbots import DingTalkChannel, FeishuChannel, WeComChannel
from brandguard.alerts.channels.email import EmailChannel
from brandguard.alerts.channels.webhook import WebhookChannel

if TYPE_CHECKING:
    from brandguard.alerts.channels.base import Channel
    from brandguard.configuration.channels import ChannelConfig
    from brandguard.configuration.models import Settings

CHANNELS: dict[str, type[Channel]] = {
    EmailChannel.type: EmailChannel,
    WebhookChannel.type: WebhookChannel,
    DingTalkChannel.type: DingTalkChannel,
    WeComChannel.type: WeComChannel,
    FeishuChannel.type: FeishuChannel,
}


def make_channel(config: ChannelConfig, settings: Settings) -> Channel:
    return CHANNELS[config.type].from_config(config, settings)
