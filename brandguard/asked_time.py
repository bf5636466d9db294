"""A time a person asks for: ISO 8601 (naive means the configured zone) or an age such as
30m, 24h, 7d, 2w counted back from now. The CLI's `--since`/`--until` and the API's `since`/
`until` read the same forms through here."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from brandguard.document_json import parse_time, query_time
from brandguard.errors import InputError

_RELATIVE = re.compile(r"^(\d{1,6})([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def asked_time(value: str, tz: tzinfo, now: datetime) -> datetime:
    """The instant `value` names; InputError (in Chinese first) when it names none."""
    text = value.strip()
    match = _RELATIVE.match(text)
    try:
        if match:
            return query_time(now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))}))
        return query_time(parse_time(text, tz))
    except (InputError, OverflowError) as exc:
        raise InputError(f"{value!r} 不是可用的时间：应为 ISO 8601（如 2026-11-20T09:00）或时长"
                         f"（如 7d、24h）; expected ISO 8601 or an age like 7d ({exc})") from exc
