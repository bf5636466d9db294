"""The e-mail channel against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import email
import ssl
from email.policy import default

import pytest

from brandguard.alerts.channels.base import DeliveryError
from brandguard.alerts.channels.email import EmailChannel, EmailChannelConfig
from brandguard.alerts.message import AlertMessage
from tests.servers import dropping_server, refusing_smtp_sink, smtp_sink, tls_auth_smtp_sink

SUBJECT = "[brandguard][II级 橙色] 溪源茶业 质量安全 风险上升"


def config(port: int, security: str = "none") -> EmailChannelConfig:
    return EmailChannelConfig.model_validate({
        "id": "mail", "type": "email", "host": "127.0.0.1", "port": port,
        "security": security, "sender": "brandguard@example.com",
        "to": ["director@example.com", "office@example.com"]})


def message(subject: str = SUBJECT) -> AlertMessage:
    return AlertMessage("k1", "incident.opened", subject, "摘要 <b>加粗</b>",
                        (("标题<img src=x onerror=alert(1)>", "http://news.example/1"),))


def test_chinese_subject_round_trips_and_html_is_escaped() -> None:
    with smtp_sink() as (port, server):
        EmailChannel(config(port)).send(message())
    [(sender, recipients, raw)] = server.messages
    assert sender == "brandguard@example.com"
    assert recipients == ["director@example.com", "office@example.com"]
    parsed = email.message_from_bytes(raw, policy=default)
    assert parsed["Subject"] == SUBJECT
    html = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'rel="noopener noreferrer"' in html


def test_header_injection_in_a_headline_adds_no_recipient() -> None:
    with smtp_sink() as (port, server):
        EmailChannel(config(port)).send(message(SUBJECT + "\r\nBcc: x@evil.example"))
    [(_, recipients, raw)] = server.messages
    assert recipients == ["director@example.com", "office@example.com"]
    parsed = email.message_from_bytes(raw, policy=default)
    assert parsed["Bcc"] is None
    assert "x@evil.example" in parsed["Subject"]  # kept as text, on one line


def test_starttls_required_but_not_offered_is_refused() -> None:
    with smtp_sink() as (port, server), pytest.raises(DeliveryError, match="STARTTLS") as info:
        EmailChannel(config(port, "starttls")).send(message())
    assert info.value.retryable is False
    assert server.messages == []


def test_unreachable_server_is_a_retryable_failure() -> None:
    with smtp_sink() as (port, _):
        pass  # stopped: nothing listens there now
    with pytest.raises(DeliveryError) as info:
        EmailChannel(config(port)).send(message())
    assert info.value.retryable is True


def test_starttls_and_authentication_deliver_to_a_server_that_requires_them() -> None:
    with tls_auth_smtp_sink("alerts", "pw-42") as (port, server, ca):
        settings = config(port, "starttls").model_dump()
        settings.update(username="alerts", password="pw-42")  # noqa: S106 - test server
        tls = ssl.create_default_context()
        ca.configure_trust(tls)
        EmailChannel(EmailChannelConfig.model_validate(settings), tls=tls).send(message())
        [(_, recipients, _)] = server.messages
        assert recipients == ["director@example.com", "office@example.com"]


def test_a_server_that_drops_the_connection_is_retried_later() -> None:
    with dropping_server() as port, pytest.raises(DeliveryError) as info:
        EmailChannel(config(port)).send(message())
    assert info.value.retryable is True


@pytest.mark.parametrize(("reply", "retryable"), [("451 4.3.0 try again later", True),
                                                  ("554 5.7.1 rejected as spam", False)])
def test_a_refusing_server_is_retried_only_when_it_says_later(reply: str,
                                                              retryable: bool) -> None:
    with refusing_smtp_sink(reply) as port, pytest.raises(DeliveryError) as info:
        EmailChannel(config(port)).send(message())
    assert info.value.retryable is retryable
    assert reply.split()[0] in str(info.value)
