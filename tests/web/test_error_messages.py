"""Pages say only what the server meant: the login page shows error codes' own messages,
never text from the link; other pages show an error only if this session's redirect
signed it (a phishing link cannot make the dashboard say "账号已冻结，请访问 …")."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import lxml.html

from tests.web.helpers import logged_in

if TYPE_CHECKING:
    from tests.web.conftest import World

PHISH = "账号已冻结，请访问 http://phish.example 重新验证"


def _alerts(html: str) -> list[str]:
    return [e.text_content() for e in lxml.html.fromstring(html).xpath("//*[@role='alert']")]


def test_the_login_page_shows_codes_not_link_text(web_world: World) -> None:
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        assert _alerts(client.get("/login", params={"error": PHISH}).text) == []
        assert _alerts(client.get("/login", params={"error": "wrong"}).text) == [
            "用户名或密码错误"]


def test_other_pages_show_only_errors_this_session_signed(web_world: World) -> None:
    incident = quote(web_world.incidents["anxi-tea"], safe="")
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        forged = client.get(f"/incidents/{incident}", params={"error": PHISH, "sig": "0" * 32})
        assert PHISH not in forged.text
        page = client.get(f"/incidents/{incident}")
        csrf = lxml.html.fromstring(page.text).xpath("//input[@name='csrf']/@value")[0]
        # checking a step that does not exist: the server's own error, signed for us
        done = client.post(f"/incidents/{incident}/checklist/no-such-step",
                           data={"csrf": csrf, "note": ""})
        assert done.status_code == 303
        shown = _alerts(client.get(done.headers["location"]).text)
        assert shown
        assert "no-such-step" in shown[0]
    with logged_in(web_world.url, web_world.users["other-org"]) as other:
        # the same signed link opened in another session shows nothing
        location = done.headers["location"]
        assert _alerts(other.get(location.replace(incident, quote(
            web_world.incidents["other-org"], safe=""))).text) == []
