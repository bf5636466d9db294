"""Who is calling: a bearer API token or a dashboard session cookie, and CSRF for writes.

A request is authenticated by exactly one credential, and its organisation comes from the
stored credential, never from the request. Sessions live in the store (so logout and
`token revoke` take effect at once, on every web node) and carry a synchronizer CSRF
token that every write made with the cookie must echo (form field `csrf` or header
`X-CSRF-Token`); API tokens need none, as browsers never send them on their own.
The login form itself is protected by a double-submit cookie, and repeated failures for
one user name are throttled.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from brandguard.access import (
    Credential,
    CredentialKind,
    hash_password,
    new_secret,
    password_matches,
    secret_hash,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from zoneinfo import ZoneInfo

    from starlette.requests import Request

    from brandguard.store.base import Store

SESSION_COOKIE = "bg_session"
LOGIN_COOKIE = "bg_login"
CSRF_HEADER = "x-csrf-token"
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))  # equal work for unknown user names


@dataclass(frozen=True, slots=True)
class Caller:
    organization: str
    name: str
    kind: CredentialKind
    credential_id: str
    csrf: str = ""


class LoginThrottle:
    """At most `attempts` failed logins per user name within `window` seconds."""

    def __init__(self, attempts: int = 5, window: float = 900.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, name: str) -> bool:
        with self._lock:
            recent = self._recent(name)
            return len(recent) >= self.attempts

    def failed(self, name: str) -> None:
        with self._lock:
            self._recent(name).append(time.monotonic())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)

    def _recent(self, name: str) -> deque[float]:
        recent = self._failures.setdefault(name, deque())
        while recent and recent[0] < time.monotonic() - self.window:
            recent.popleft()
        return recent


class Authenticator:
    def __init__(self, tz: ZoneInfo, session_lifetime: timedelta,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.tz = tz
        self.session_lifetime = session_lifetime
        self.clock = clock or (lambda: datetime.now(tz))
        self.throttle = LoginThrottle()

    def caller(self, request: Request, store: Store) -> Caller | None:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if header:
            return self._lookup(store, value.strip(), "token") \
                if scheme.lower() == "bearer" else None
        cookie = request.cookies.get(SESSION_COOKIE)
        return self._lookup(store, cookie, "session") if cookie else None

    def _lookup(self, store: Store, secret: str, kind: CredentialKind) -> Caller | None:
        digest = secret_hash(secret)
        found = store.credential_by_hash(digest)
        if found is None or found.kind != kind or not hmac.compare_digest(found.hash, digest):
            return None
        if not found.valid_at(self.clock()):
            return None
        return Caller(found.organization, found.name, found.kind, found.id, found.csrf)

    def login(self, store: Store, name: str, password: str) -> tuple[str, Credential] | None:
        """A new session for valid credentials: (cookie value, stored session)."""
        user = store.get_user(name)
        if not password_matches(user.password_hash if user else _DUMMY_HASH, password) \
                or user is None:
            return None
        now = self.clock()
        store.delete_credentials_before("session", now)
        secret = new_secret()
        session = Credential(secrets.token_hex(8), "session", user.organization, user.name,
                             secret_hash(secret), now, now + self.session_lifetime,
                             csrf=secrets.token_urlsafe(24))
        store.save_credential(session)
        return secret, session

    def logout(self, request: Request, store: Store) -> None:
        cookie = request.cookies.get(SESSION_COOKIE)
        found = store.credential_by_hash(secret_hash(cookie)) if cookie else None
        if found is not None and found.kind == "session":
            store.save_credential(replace(found, revoked_at=self.clock()))


def csrf_ok(caller: Caller, presented: str | None) -> bool:
    """Writes with a session cookie must echo the session's CSRF token."""
    if caller.kind != "session":
        return True
    return bool(presented) and hmac.compare_digest(caller.csrf, presented or "")
