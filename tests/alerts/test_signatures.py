"""Known answers for the protocol signatures, with frozen time.

Expected values were checked with openssl:
  printf '{"a":1}' | openssl dgst -sha256 -hmac s3cret
  printf '1700000000000\\nSECexample' | openssl dgst -sha256 -hmac SECexample -binary | base64
  (Feishu) HMAC-SHA256 with key "1700000000\\nSECexample" over an empty message, base64.
"""

from __future__ import annotations

from brandguard.alerts.channels.chatbots import dingtalk_sign, feishu_sign
from brandguard.alerts.channels.webhook import signature


def test_webhook_hmac() -> None:
    assert signature("s3cret", b'{"a":1}') == (
        "sha256=5910e62016ef5034272c926c27071992a465c2335cecf41851bda071577f4f6d")


def test_dingtalk_signature_is_url_encoded_base64() -> None:
    assert dingtalk_sign("SECexample", 1700000000000) == (
        "uroalHrWHORz59talE1o26b8HuX2kOp8WlAN91F9Pj0%3D")


def test_feishu_signature() -> None:
    assert feishu_sign("SECexample", 1700000000) == (
        "giaCP81WKcKmxS0uSLlrqVVwRIDJGES6GpFgEr4g4C4=")
