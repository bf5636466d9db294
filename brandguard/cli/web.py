"""`brandguard serve`, and access for it: `token create|list|revoke`, `user add|list`."""

from __future__ import annotations

import secrets
import sys
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

import click

from brandguard.access import Credential, User, hash_password, new_secret, secret_hash
from brandguard.cli.context import AppContext, pass_app
from brandguard.configuration.models import parse_duration
from brandguard.store.registry import open_store

if TYPE_CHECKING:
    from brandguard.configuration.models import Organization

MIN_PASSWORD = 8


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; put a TLS proxy in front).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--secure-cookies", is_flag=True,
              help="Mark session cookies Secure (when users reach it through HTTPS).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes sharing the port (about one per core).")
@pass_app
def serve(app: AppContext, host: str, port: int, secure_cookies: bool, workers: int) -> None:
    """Run the REST API and the dashboard against the store."""
    from brandguard.web.server import serve_store

    url = app.resolved_store_url()
    open_store(url, app.config.settings).close()  # fail now, and migrate once, not per thread
    serve_store(app.config, url, host, port, workers=workers, secure_cookies=secure_cookies,
                announce=lambda: click.echo(
                    f"brandguard dashboard and API on http://{host}:{port}/ (store {url}, "
                    f"{workers} worker(s)); Ctrl-C stops"))


def _organization(app: AppContext, org_id: str) -> Organization:
    found = next((o for o in app.config.organizations if o.id == org_id), None)
    if found is None:
        known = ", ".join(o.id for o in app.config.organizations) or "none"
        raise click.BadParameter(f"no organization {org_id!r} in brands.yaml (known: {known})",
                                 param_hint="--org")
    return found


@click.group()
def token() -> None:
    """API tokens: each bound to one organisation, stored only as a SHA-256 hash."""


@token.command("create")
@click.option("--org", "org_id", required=True, help="Organisation the token acts for.")
@click.option("--name", default="api", show_default=True, help="What the token is for.")
@click.option("--expires", default="365d", show_default=True,
              help="Lifetime, e.g. 90d; 0 for none.")
@pass_app
def token_create(app: AppContext, org_id: str, name: str, expires: str) -> None:
    """Create a token and print it once (it can't be shown again)."""
    org = _organization(app, org_id)
    now = datetime.now(app.config.settings.tz)
    try:
        lifetime = None if expires.strip() == "0" else parse_duration(expires)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--expires") from exc
    secret = new_secret()
    credential = Credential(secrets.token_hex(4), "token", org.id, name, secret_hash(secret),
                            now, now + lifetime if lifetime else None)
    with app.store() as store:
        store.save_credential(credential)
    click.echo(f"token {credential.id} for {org.id} ({name})"
               + (f", expires {credential.expires_at:%Y-%m-%d}" if credential.expires_at
                  else ""), err=True)
    click.echo(secret)


@token.command("list")
@click.option("--org", "org_id", default=None, help="Only this organisation's tokens.")
@pass_app
def token_list(app: AppContext, org_id: str | None) -> None:
    """List tokens (ids and names; the secrets are not stored)."""
    now = datetime.now(app.config.settings.tz)
    with app.store() as store:
        found = store.credentials("token", org_id)
    for c in found:
        state = ("revoked" if c.revoked_at else "expired" if not c.valid_at(now) else "active")
        until = f"{c.expires_at:%Y-%m-%d}" if c.expires_at else "never"
        click.echo(f"{c.id}  {state:<8} {c.organization:<16} {c.name:<16} "
                   f"created {c.created_at:%Y-%m-%d}, expires {until}")
    click.echo(f"{len(found)} token(s)", err=True)


@token.command("revoke")
@click.argument("token_id")
@pass_app
def token_revoke(app: AppContext, token_id: str) -> None:
    """Revoke a token at once."""
    with app.store() as store:
        found = next((c for c in store.credentials("token") if c.id == token_id), None)
        if found is None:
            raise click.BadParameter(f"no token {token_id!r} (see `brandguard token list`)",
                                     param_hint="TOKEN_ID")
        store.save_credential(replace(found, revoked_at=datetime.now(app.config.settings.tz)))
    click.echo(f"token {token_id} revoked")


@click.group()
def user() -> None:
    """Dashboard logins: each bound to one organisation; passwords hashed with Argon2id."""


@user.command("add")
@click.argument("name")
@click.option("--org", "org_id", required=True, help="Organisation the user belongs to.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_app
def user_add(app: AppContext, name: str, org_id: str, password_stdin: bool) -> None:
    """Add a user, or set a new password for an existing one."""
    org = _organization(app, org_id)
    if org.staff and name not in org.staff:
        raise click.BadParameter(f"{name!r} is not on organization {org.id}'s staff list "
                                 f"({', '.join(org.staff)}); timeline entries must name staff",
                                 param_hint="NAME")
    password = (sys.stdin.readline().rstrip("\n") if password_stdin
                else click.prompt("password", hide_input=True, confirmation_prompt=True))
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"a password needs at least {MIN_PASSWORD} characters",
                                 param_hint="password")
    with app.store() as store:
        existing = store.get_user(name)
        if existing is not None and existing.organization != org.id:
            raise click.BadParameter(f"user {name!r} already belongs to "
                                     f"{existing.organization}", param_hint="NAME")
        store.save_user(User(name, org.id, hash_password(password),
                             datetime.now(app.config.settings.tz)))
    click.echo(f"user {name} ({org.id}) {'updated' if existing else 'added'}")


@user.command("list")
@click.option("--org", "org_id", default=None, help="Only this organisation's users.")
@pass_app
def user_list(app: AppContext, org_id: str | None) -> None:
    """List dashboard users."""
    with app.store() as store:
        for u in store.users(org_id):
            click.echo(f"{u.name:<16} {u.organization:<16} created {u.created_at:%Y-%m-%d}")
