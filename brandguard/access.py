"""Who may read and act: API tokens, dashboard users and their sessions.

Secrets never rest in the store in the clear. API tokens and session ids are long random
strings, so a SHA-256 of them is enough to look them up and useless to a thief (the
GitHub/PyPI practice); passwords are low-entropy, so they get Argon2id, the slow salted
hash OWASP recommends, through argon2-cffi. Every credential is bound to one organisation:
the web layer derives the caller's scope from it and from nothing the caller sends.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CredentialKind = Literal["token", "session"]
TOKEN_PREFIX = "bg_"  # noqa: S105 - not a secret; lets secret scanners and people recognise a brandguard token
_hasher = PasswordHasher()


def new_secret() -> str:
    """A fresh token or session id: 256 bits from the OS's CSPRNG."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True, slots=True)
class Credential:
    """An API token (kind "token") or a dashboard session (kind "session").

    `id` is a short public handle (shown by `token list`, used by `token revoke`);
    `hash` is what a presented secret is looked up by. `csrf` is a session's
    synchronizer token, which forms and scripts must echo on every write.
    """

    id: str
    kind: CredentialKind
    organization: str
    name: str
    hash: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    csrf: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def valid_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "organization": self.organization,
                "name": self.name, "hash": self.hash, "created_at": self.created_at.isoformat(),
                "expires_at": _iso(self.expires_at), "revoked_at": _iso(self.revoked_at),
                "csrf": self.csrf, "data": self.data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Credential:
        return cls(data["id"], data["kind"], data["organization"], data["name"], data["hash"],
                   datetime.fromisoformat(data["created_at"]), _when(data.get("expires_at")),
                   _when(data.get("revoked_at")), data.get("csrf", ""), data.get("data", {}))


@dataclass(frozen=True, slots=True)
class User:
    """A dashboard login. `name` is what the timeline records as the actor."""

    name: str
    organization: str
    password_hash: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "organization": self.organization,
                "password_hash": self.password_hash, "created_at": self.created_at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> User:
        return cls(data["name"], data["organization"], data["password_hash"],
                   datetime.fromisoformat(data["created_at"]))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
