"""Chinese-first, checked: every dashboard page and every alert format, rendered over the web
world's data, holds no English word outside an allow-list of identifiers, and no Python
duration ("3 days, 0:00:00", "6:00:00").

Crawled data is the user's own and stays as it is: every stored document's fields, incident
ids and brand ids are cut out of the text first (and a word that is part of one, as a
snippet cuts it). So is what a person types (commands such as `brandguard evaluation set
--brand …`, and snake_case indicator ids) and what is not read (scripts, styles, the charts'
SVG metadata).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

import lxml.html
import pytest

from brandguard import events
from brandguard.alerts.message import (
    AlertMessage,
    build,
    digest_message,
    measure_message,
    render_html,
    render_markdown,
    render_text,
)
from brandguard.incident import Event
from brandguard.reports.figures import ReportBuilder
from brandguard.reports.period import last_full
from brandguard.store.base import SearchQuery
from tests.web.conftest import NOW
from tests.web.helpers import logged_in

if TYPE_CHECKING:
    from tests.web.conftest import World

ALLOWED = {"brandguard", "KOL", "PDF", "DOCX", "JSON", "Word", "RSS", "API", "III", "II", "IV",
           "http", "https", "Bearer", "CSRF", "ECharts"}
WORD = re.compile(r"[A-Za-z][A-Za-z_\-]{2,}")
PYTHON_DURATION = re.compile(r"\d+ days?, \d+:\d\d:\d\d|(?<![\d:])\d{1,2}:\d\d:\d\d(?![\d.])")
NOT_READ = "//script|//style|//code|//*[local-name()='svg']"
TYPED = re.compile(r"brandguard(?: --?[\w-]+| [\w./=-]+)+|\b[a-z]+(?:_[a-z]+)+\b")


def data_strings(world: World) -> list[str]:
    """What the user's sources and configuration said: exempt, longest first."""
    store = world.store()
    found: set[str] = set()
    for hit in store.search(SearchQuery(limit=100, include_duplicates=True)).hits:
        doc = hit.document
        found.update(v for v in (doc.title, doc.text, doc.source, doc.url, doc.author, doc.id)
                     if v)
    for incident in store.list_incidents():  # and what people wrote on them
        found.add(incident.id)
        found.update(v for step in incident.checklist for v in (step.note, step.done_by) if v)
        found.update(e.actor for e in incident.timeline if e.actor)
    found.update(b.id for b in world.config.brands)
    return sorted(found, key=len, reverse=True)


def english(text: str, exempt: list[str]) -> list[str]:
    text = TYPED.sub(" ", text)
    for value in exempt:
        text = text.replace(value, " ")
    assert not PYTHON_DURATION.search(text), PYTHON_DURATION.search(text)
    return sorted({w for w in WORD.findall(text)
                   if w not in ALLOWED and not any(w in value for value in exempt)})


def page_text(html: str) -> str:
    page = lxml.html.fromstring(html)
    for node in page.xpath(NOT_READ):
        node.drop_tree()
    return str(page.text_content())


@pytest.fixture(scope="module")
def exempt(web_world: World) -> list[str]:
    return data_strings(web_world)


def test_every_page_reads_in_chinese(web_world: World, exempt: list[str]) -> None:
    own = quote(web_world.incidents["anxi-tea"])
    paths = ["/", "/?brand=bama", "/incidents", "/incidents?status=resolved",
             f"/incidents/{own}", "/search?q=茶", "/search?brand=bama&polarity=negative",
             "/search?kind=social", "/reports", "/reports?brand=bama", "/evaluations",
             "/no-such-page"]
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        found = {path: english(page_text(client.get(path).text), exempt) for path in paths}
        found["/login"] = english(page_text(client.get("/login").text), exempt)
    assert {path: words for path, words in found.items() if words} == {}


def digest_and_measure(world: World) -> list[AlertMessage]:
    """The two alerts no incident sends: a weekly digest and an overdue measure."""
    brand = world.config.brand("bama")
    assert brand is not None
    report = ReportBuilder(world.store(), world.config).build(
        brand, last_full("week", NOW.date() + timedelta(days=7)))
    digest = Event("digest:w:bama", events.REPORT_DIGEST, "", NOW,
                   {"report": report, "route": "weekly"})
    measure = Event("measure:M1", events.MEASURE_OVERDUE, "", NOW, {
        "brand": "bama", "measure": {"id": "M1", "text": "八马茶业质量整改", "owner": "质量部",
                                     "due": "2026-11-01"}})
    return [digest_message(digest, world.config), measure_message(measure, world.config)]


def test_every_alert_format_reads_in_chinese(web_world: World, exempt: list[str]) -> None:
    store = web_world.store()
    stored = store.events(limit=100)
    assert len({e.type for e in stored}) >= 2  # openings and more: not one kind only
    messages = [build(e, web_world.config, store) for e in stored]
    messages += digest_and_measure(web_world)
    problems = {}
    for message in messages:
        event = message
        for name, rendered in (("text", render_text(message)),
                               ("markdown", render_markdown(message)),
                               ("html", page_text(render_html(message)))):
            words = english(rendered, exempt)
            if words:
                problems[(event.event_type, name)] = words
    assert problems == {}
