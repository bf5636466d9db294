"""Every HTTP channel against a real HTTP server on loopback."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from brandguard.alerts.channels.base import DeliveryError
from brandguard.alerts.channels.registry import make_channel
from brandguard.alerts.channels.webhook import signature
from brandguard.alerts.message import AlertMessage, probe_message
from brandguard.configuration.channels import channels_file
from brandguard.configuration.models import Settings
from tests.servers import http_sink

LOOPBACK = Settings(allow_private_targets=["127.0.0.0/8"])
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def channel(spec: dict[str, object], settings: Settings = LOOPBACK):  # type: ignore[no-untyped-def]
    config = channels_file().model_validate({"channels": [spec]}).channels[0]
    return make_channel(config, settings)


def evil_message() -> AlertMessage:
    return AlertMessage("inc-1:incident.opened:1", "incident.opened",
                        "[brandguard][II级 橙色] 溪源茶业 质量安全 风险上升", "摘要",
                        (("<script>x</script>](http://evil.example)", "javascript:alert(1)"),),
                        ("核实信息来源",), {"incident": {"id": "inc-1"}})


def test_webhook_is_signed_and_carries_the_idempotency_key() -> None:
    with http_sink() as sink:
        channel({"id": "hook", "type": "webhook", "url": f"{sink.url}/in",
                 "secret": "s3cret"}).send(evil_message())
    [request] = sink.requests
    assert request.path == "/in"
    assert request.headers["X-Brandguard-Signature"] == signature("s3cret", request.body)
    assert request.headers["Idempotency-Key"] == "inc-1:incident.opened:1"
    body = json.loads(request.body)
    assert body["type"] == "incident.opened"
    assert body["incident"]["id"] == "inc-1"


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (503, True), (429, True),
                                                   (408, True), (400, False), (404, False)])
def test_http_failures_say_whether_to_retry(status: int, retryable: bool) -> None:
    with http_sink() as sink:
        sink.script.append((status, b"nope"))
        with pytest.raises(DeliveryError) as info:
            channel({"id": "hook", "type": "webhook", "url": sink.url}).send(evil_message())
    assert info.value.retryable is retryable


def test_dingtalk_signs_the_url_and_escapes_markdown() -> None:
    with http_sink() as sink:
        channel({"id": "ding", "type": "dingtalk", "url": f"{sink.url}/robot/send?access_token=T",
                 "secret": "SECexample"}).send(evil_message())
    [request] = sink.requests
    query = parse_qs(urlsplit(request.path).query)
    assert query["access_token"] == ["T"]
    assert query["timestamp"]
    assert query["sign"]
    text = json.loads(request.body)["markdown"]["text"]
    assert "<script>" not in text.replace("\\<script\\>", "")
    assert "javascript:" not in text
    assert "\\]\\(http://evil\\.example\\)" in text  # the headline cannot forge a link


def test_wecom_and_feishu_deliver_and_report_robot_errors() -> None:
    with http_sink() as sink:
        channel({"id": "wx", "type": "wecom", "url": f"{sink.url}/send?key=K"}).send(
            probe_message("wx", NOW))
        channel({"id": "fs", "type": "feishu", "url": f"{sink.url}/hook/x",
                 "secret": "SECexample"}).send(probe_message("fs", NOW))
        sink.script.append((200, b'{"code": 19021, "msg": "sign match fail"}'))
        with pytest.raises(DeliveryError, match="robot error 19021") as info:
            channel({"id": "fs", "type": "feishu", "url": f"{sink.url}/hook/x"}).send(
                probe_message("fs", NOW))
    assert info.value.retryable is False
    wecom, feishu = json.loads(sink.requests[0].body), json.loads(sink.requests[1].body)
    assert wecom["msgtype"] == "markdown"
    assert "测试消息" in wecom["markdown"]["content"]
    assert feishu["msg_type"] == "text"
    assert feishu["sign"]
    assert feishu["timestamp"]


def test_loopback_is_refused_unless_allowed() -> None:
    with http_sink() as sink, pytest.raises(DeliveryError, match="target refused") as info:
        channel({"id": "hook", "type": "webhook", "url": sink.url}, Settings()).send(
            evil_message())
    assert info.value.retryable is False
    assert sink.requests == []


def test_a_receiver_that_times_out_is_retried_later() -> None:
    with http_sink() as sink:
        sink.delay = 1.5
        with pytest.raises(DeliveryError, match="timed out") as info:
            channel({"id": "hook", "type": "webhook", "url": sink.url, "timeout": 0.3}).send(
                evil_message())
    assert info.value.retryable is True
