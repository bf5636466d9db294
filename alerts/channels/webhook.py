"""Generic webhook: a JSON event, HMAC-signed, with an idempotency key (ARCHITECTURE §4.5).

Headers: `X-Brandguard-Signature: sha256=<hex HMAC-SHA256 of the exact body>` (when a secret
is configured), `Idempotency-Key: <event key>` (stable across retries and restarts, so a
receiver can drop repeats), `X-Brandguard-Event: <type>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Literal

from pydantic import SecretStr

from brandguard.alerts.channels.base import Channel
from brandguard.alerts.channels.http_post import post_json
from brandguard.alerts.message import AlertMessage, render_text
from brandguard.configuration.channels import HttpChannelOptions
from brandguard.net.targets import networks

if TYPE_CHECKING:
    from collections.abc import Sequence

    from brandguard.configuration.models import Settings
    from brandguard.net.targets import Network


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannelConfig(HttpChannelOptions):
    type: Literal["webhook"]
    secret: SecretStr | None = None


class WebhookChannel(Channel):
    type = "webhook"
    Options = WebhookChannelConfig

    def __init__(self, config: WebhookChannelConfig, allow: Sequence[Network]) -> None:
        super().__init__(config.id)
        self.config = config
        self.allow = allow

    @classmethod
    def from_config(cls, config: WebhookChannelConfig, settings: Settings) -> WebhookChannel:
        return cls(config, networks(settings.allow_private_targets))

    def send(self, message: AlertMessage) -> None:
        body = json.dumps({"type": message.event_type, "idempotency_key": message.key,
                           "subject": message.subject, "text": render_text(message),
                           **message.payload}, ensure_ascii=False).encode()
        headers = {"Idempotency-Key": message.key, "X-Brandguard-Event": message.event_type}
        if self.config.secret is not None:
            headers["X-Brandguard-Signature"] = signature(
                self.config.secret.get_secret_value(), body)
        post_json(self.config.url.get_secret_value(), body, self.allow, self.config.timeout,
                  headers)
