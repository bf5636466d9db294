"""The workplace robots Chinese organisations use: DingTalk, WeCom (企业微信) and Feishu.

- DingTalk custom robot: markdown; with a secret, `timestamp` (ms) and `sign` =
  base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")) are appended to the URL.
- WeCom group robot: markdown (the URL's `key` is the credential).
- Feishu custom bot: text; with a secret, the body carries `timestamp` (s) and `sign` =
  base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")).
Each answers HTTP 200 with an error code in the body, checked by `robot_result`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote_plus

from pydantic import SecretStr

from brandguard.alerts.channels.base import Channel
from brandguard.alerts.channels.http_post import post_json, robot_result
from brandguard.alerts.message import AlertMessage, render_markdown, render_text
from brandguard.configuration.channels import HttpChannelOptions
from brandguard.net.targets import networks

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from brandguard.configuration.models import Settings
    from brandguard.net.targets import Network

WECOM_LIMIT = 4000  # WeCom rejects markdown content over 4096 bytes


class DingTalkChannelConfig(HttpChannelOptions):
    type: Literal["dingtalk"]
    secret: SecretStr | None = None


class WeComChannelConfig(HttpChannelOptions):
    type: Literal["wecom"]


class FeishuChannelConfig(HttpChannelOptions):
    type: Literal["feishu"]
    secret: SecretStr | None = None


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class DingTalkChannel(Channel):
    type = "dingtalk"
    Options = DingTalkChannelConfig

    def __init__(self, config: DingTalkChannelConfig, allow: Sequence[Network],
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(config.id)
        self.config, self.allow, self.clock = config, allow, clock

    @classmethod
    def from_config(cls, config: DingTalkChannelConfig, settings: Settings) -> DingTalkChannel:
        return cls(config, networks(settings.allow_private_targets))

    def url(self) -> str:
        url = self.config.url.get_secret_value()
        if self.config.secret is None:
            return url
        ts = int(self.clock() * 1000)
        sign = dingtalk_sign(self.config.secret.get_secret_value(), ts)
        return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={sign}"

    def send(self, message: AlertMessage) -> None:
        payload = {"msgtype": "markdown",
                   "markdown": {"title": message.subject, "text": render_markdown(message)}}
        robot_result(post_json(self.url(), payload, self.allow, self.config.timeout), "errcode")


class WeComChannel(Channel):
    type = "wecom"
    Options = WeComChannelConfig

    def __init__(self, config: WeComChannelConfig, allow: Sequence[Network]) -> None:
        super().__init__(config.id)
        self.config, self.allow = config, allow

    @classmethod
    def from_config(cls, config: WeComChannelConfig, settings: Settings) -> WeComChannel:
        return cls(config, networks(settings.allow_private_targets))

    def send(self, message: AlertMessage) -> None:
        content = render_markdown(message).encode()[:WECOM_LIMIT].decode(errors="ignore")
        payload = {"msgtype": "markdown", "markdown": {"content": content}}
        robot_result(post_json(self.config.url.get_secret_value(), payload, self.allow,
                               self.config.timeout), "errcode")


class FeishuChannel(Channel):
    type = "feishu"
    Options = FeishuChannelConfig

    def __init__(self, config: FeishuChannelConfig, allow: Sequence[Network],
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(config.id)
        self.config, self.allow, self.clock = config, allow, clock

    @classmethod
    def from_config(cls, config: FeishuChannelConfig, settings: Settings) -> FeishuChannel:
        return cls(config, networks(settings.allow_private_targets))

    def send(self, message: AlertMessage) -> None:
        payload: dict[str, object] = {"msg_type": "text",
                                      "content": {"text": render_text(message)}}
        if self.config.secret is not None:
            ts = int(self.clock())
            payload.update(timestamp=str(ts),
                           sign=feishu_sign(self.config.secret.get_secret_value(), ts))
        robot_result(post_json(self.config.url.get_secret_value(), payload, self.allow,
                               self.config.timeout), "code")
