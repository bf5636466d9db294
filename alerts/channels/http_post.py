"""POST JSON to a configured URL through the SSRF guard; shared by webhook and robots."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from brandguard.alerts.channels.base import DeliveryError, retryable_status
from brandguard.net.http import Response, post
from brandguard.net.targets import BlockedTarget, Network, check_url

if TYPE_CHECKING:
    from collections.abc import Sequence


def post_json(url: str, payload: dict[str, Any] | bytes, allow: Sequence[Network],
              timeout: float, headers: dict[str, str] | None = None) -> Response:
    """Send; raise DeliveryError (retryable or not) on any failure."""
    try:
        target = check_url(url, allow)
    except BlockedTarget as exc:
        raise DeliveryError(f"target refused: {exc}", retryable=False) from exc
    body = payload if isinstance(payload, bytes) else json.dumps(
        payload, ensure_ascii=False).encode()
    try:
        response = post(target, body, headers or {}, timeout=timeout)
    except (TimeoutError, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}", retryable=True) from exc
    if not 200 <= response.status < 300:
        raise DeliveryError(f"HTTP {response.status}: {response.body[:200]!r}",
                            retryable=retryable_status(response.status))
    return response


def robot_result(response: Response, code_field: str) -> None:
    """Robots answer HTTP 200 with an error code in the body; 0 means delivered."""
    try:
        data = json.loads(response.body or b"{}")
    except ValueError as exc:
        raise DeliveryError(f"robot answered non-JSON: {response.body[:100]!r}",
                            retryable=True) from exc
    code = data.get(code_field, data.get("StatusCode", 0))
    if code not in (0, "0", None):
        message = data.get("errmsg") or data.get("msg") or data
        # rate limits (DingTalk 130101, WeCom 45009, Feishu 9499) are worth retrying
        raise DeliveryError(f"robot error {code}: {message}",
                            retryable=code in (130101, 45009, 9499, 11232))
