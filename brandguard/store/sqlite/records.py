"""The SQLite store's small records: source states, the evaluation log, credentials, users."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from brandguard.access import Credential, CredentialKind, User
from brandguard.evaluation.records import EvaluationEntry
from brandguard.source_state import SourceState
from brandguard.store.sqlite.connection import Connection
from brandguard.store.sqlite.schema import (
    _epoch,
)

if TYPE_CHECKING:

    from datetime import datetime
    pass


class RecordsMixin(Connection):
    """Small records: source states, the evaluation log, credentials and users."""

    def source_state(self, source_id: str) -> SourceState | None:
        row = self.db.execute("SELECT body FROM sources WHERE id=?", (source_id,)).fetchone()
        return SourceState.from_json(json.loads(row[0])) if row else None

    def source_states(self) -> list[SourceState]:
        rows = self.db.execute("SELECT body FROM sources ORDER BY id")
        return [SourceState.from_json(json.loads(r[0])) for r in rows]

    def save_source_state(self, state: SourceState) -> None:
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO sources (id, body) VALUES (?, ?)",
                            (state.id, json.dumps(state.to_json(), ensure_ascii=False)))

    def append_evaluation(self, entry: EvaluationEntry) -> EvaluationEntry:
        with self._transaction():
            cursor = self.db.execute(
                "INSERT INTO evaluation_log (organization, brand, year, body) VALUES (?,?,?,?)",
                (entry.organization, entry.brand, entry.year,
                 json.dumps(entry.to_json(), ensure_ascii=False)))
        return entry.stored_as(int(cursor.lastrowid or 0))

    def evaluation_entries(self, organization: str | None = None, brand: str | None = None,
                           year: int | None = None) -> list[EvaluationEntry]:
        wanted = {"organization": organization, "brand": brand, "year": year}
        clauses = [f"{column}=?" for column, value in wanted.items() if value is not None]
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(f"SELECT seq, body FROM evaluation_log{where} ORDER BY seq",  # noqa: S608
                               [v for v in wanted.values() if v is not None]).fetchall()
        return [EvaluationEntry.from_json(json.loads(body)).stored_as(seq)
                for seq, body in rows]

    def save_credential(self, credential: Credential) -> None:
        body = json.dumps(credential.to_json(), ensure_ascii=False)
        with self._transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO credentials (id, hash, kind, organization, expires_at,"
                " body) VALUES (?,?,?,?,?,?)",
                (credential.id, credential.hash, credential.kind, credential.organization,
                 _epoch(credential.expires_at) if credential.expires_at else None, body))

    def credential_by_hash(self, secret_hash: str) -> Credential | None:
        row = self.db.execute("SELECT body FROM credentials WHERE hash=?",
                              (secret_hash,)).fetchone()
        return Credential.from_json(json.loads(row[0])) if row else None

    def credentials(self, kind: CredentialKind, organization: str | None = None,
                    ) -> list[Credential]:
        where, params = "kind=?", [str(kind)]
        if organization is not None:
            where += " AND organization=?"
            params.append(organization)
        rows = self.db.execute(f"SELECT body FROM credentials WHERE {where}"  # noqa: S608
                               " ORDER BY rowid", params)
        return [Credential.from_json(json.loads(r[0])) for r in rows]

    def delete_credentials_before(self, kind: CredentialKind, expired_before: datetime) -> int:
        with self._transaction():
            cursor = self.db.execute("DELETE FROM credentials WHERE kind=? AND expires_at < ?",
                                     (kind, _epoch(expired_before)))
        return cursor.rowcount

    def save_user(self, user: User) -> None:
        body = json.dumps(user.to_json(), ensure_ascii=False)
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO users (name, organization, body)"
                            " VALUES (?,?,?)", (user.name, user.organization, body))

    def get_user(self, name: str) -> User | None:
        row = self.db.execute("SELECT body FROM users WHERE name=?", (name,)).fetchone()
        return User.from_json(json.loads(row[0])) if row else None

    def users(self, organization: str | None = None) -> list[User]:
        where, params = ("WHERE organization=?", [organization]) if organization else ("", [])
        rows = self.db.execute(f"SELECT body FROM users {where} ORDER BY name",  # noqa: S608
                               params)
        return [User.from_json(json.loads(r[0])) for r in rows]
