"""The channel interface and the delivery error that says whether to retry.

A channel sends one `AlertMessage` or raises `DeliveryError`. `retryable` follows the
delivery promise: 5xx, 408, 429, timeouts and connection failures retry; other 4xx and
configuration faults (a refused target, a server without STARTTLS) do not.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import builtins

    from brandguard.alerts.message import AlertMessage
    from brandguard.configuration.channels import ChannelOptions
    from brandguard.configuration.models import Settings


class DeliveryError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


def retryable_status(status: int) -> bool:
    return status in (408, 429) or status >= 500


class Channel(ABC):
    type: ClassVar[str]
    Options: ClassVar[builtins.type[ChannelOptions]]  # a channels.yaml entry of this type

    def __init__(self, channel_id: str) -> None:
        self.id = channel_id

    @classmethod
    @abstractmethod
    def from_config(cls, config: Any, settings: Settings) -> Channel:
        """Build from the channel's typed config entry and the settings."""

    @abstractmethod
    def send(self, message: AlertMessage) -> None:
        """Deliver or raise DeliveryError."""
