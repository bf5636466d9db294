"""Logging in through the real form, as a browser would (login CSRF cookie included)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx

from tests.web.conftest import PASSWORD

if TYPE_CHECKING:
    from collections.abc import Iterator


def login_form_token(client: httpx.Client) -> str:
    page = client.get("/login")
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


@contextmanager
def logged_in(base_url: str, user: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=False) as client:
        token = login_form_token(client)
        response = client.post("/login", data={"username": user, "password": password,
                                               "csrf": token, "next": "/"})
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/"
        yield client
