"""What an alert says: no injected links, every overdue step heard, resolution without
stale next steps, and evidence that leads with how the story began."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from markdown_it import MarkdownIt

from brandguard import events
from brandguard.alerts.message import AlertMessage, build, render_markdown
from brandguard.configuration.rules import Level
from brandguard.incident import ChecklistStep, Event
from brandguard.store.sqlite import SqliteStore
from tests.alerts.test_dispatcher import T0, TZ, configure, dispatcher, incident
from tests.conftest import analyzed, make_doc
from tests.servers import http_sink

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer

PHISH = "http://ok.example/a)**[紧急：点此登录](http://phish.example/)**"
TRACK = "http://ok.example/b)![x](http://track.example/p.gif"


def links_and_images(markdown: str) -> tuple[list[str], list[str]]:
    """Every link target and image source a CommonMark renderer would produce."""
    hrefs, images = [], []
    for token in MarkdownIt().parse(markdown):
        for child in token.children or []:
            if child.type == "link_open":
                hrefs.append(str(child.attrs["href"]))
            elif child.type == "image":
                images.append(str(child.attrs["src"]))
    return hrefs, images


@pytest.mark.parametrize("url", [PHISH, TRACK, "http://ok.example/c> x <y",
                                 "http://ok.example/d`code`_e_*f*[g]"])
def test_a_crawled_url_cannot_add_a_link_or_image_to_a_robot_message(url: str) -> None:
    message = AlertMessage("k", "incident.opened", "主题", "摘要", (("溪源茶业抽检不合格", url),))
    hrefs, images = links_and_images(render_markdown(message))
    assert images == []
    assert len(hrefs) == 1
    assert hrefs[0].startswith("http://ok.example/")
    assert "phish.example" not in hrefs[0].split("%")[0]


def test_dingtalk_receives_one_link_for_one_evidence_item() -> None:
    from tests.alerts.test_channels import channel

    with http_sink() as sink:
        channel({"id": "ding", "type": "dingtalk", "url": f"{sink.url}/robot/send"}).send(
            AlertMessage("k", "incident.opened", "主题", "摘要", (("标题", PHISH),)))
    text = json.loads(sink.requests[0].body)["markdown"]["text"]
    hrefs, _ = links_and_images(text)
    assert hrefs == ["http://ok.example/a%29%2A%2A%5B%E7%B4%A7%E6%80%A5%EF%BC%9A%E7%82%B9%E6%AD"
                     "%A4%E7%99%BB%E5%BD%95%5D%28http://phish.example/%29%2A%2A"]


def steps(n: int) -> tuple[ChecklistStep, ...]:
    return tuple(ChecklistStep(f"s{i}", f"第{i}步", "协会秘书处", T0 + timedelta(hours=i),
                               Level.IV) for i in range(n))


def test_every_overdue_step_is_delivered_despite_the_repeat_interval(
        tmp_path: Path, sinks) -> None:  # type: ignore[no-untyped-def]
    a, b = sinks
    config = configure(tmp_path, a, b, ", repeat_interval: 4h")
    store = SqliteStore(tmp_path / "s.db", TZ)
    item = incident(checklist=steps(6))
    store.save_incident(item, [Event(f"inc-1:{events.CHECKLIST_OVERDUE}:{s.id}",
                                     events.CHECKLIST_OVERDUE, "inc-1", T0,
                                     {"incident": item.to_json(), "step": s.to_json()})
                               for s in item.checklist])
    done = dispatcher(store, config, [T0 + timedelta(days=1)]).run_once()
    assert sorted(d.status for d in done) == ["sent"] * 12
    said = [json.loads(r.body)["text"] for r in a.requests]
    assert sorted(s.split("逾期步骤: ")[1].split(" ")[0] for s in said) == [
        f"第{i}步" for i in range(6)]


def evidence_store(tmp_path: Path, analyzer: Analyzer, config: Config) -> tuple[
        SqliteStore, list[str]]:
    """A first report, a later authoritative one, and a later repost of the first."""
    store = SqliteStore(tmp_path / "e.db", TZ)
    story = ("溪源茶业绿茶农药残留抽检不合格，市场监管部门已责令召回，八马茶业回应称正在核查，"
             "消费者对产品质量安全表示担忧，要求公开检测报告。")
    first = make_doc(story, config=config, url="http://county.example/1", title="首发：抽检不合格",
                     published_at="2026-11-20T09:00:00")
    official = make_doc("省市场监管局通报八马茶业产品抽检情况，责令整改并立案调查。", config=config,
                        url="http://gov.example/2", title="官方通报",
                        published_at="2026-11-20T11:00:00", authority=3)
    repost = make_doc(story, config=config, url="http://portal.example/3", title="转载：抽检不合格",
                      published_at="2026-11-20T12:00:00")
    for doc in (first, official, repost):
        store.upsert([analyzed(analyzer, doc)])
    return store, [repost.id, official.id, first.id]  # newest first, as the engine adds them


def test_a_resolved_message_leads_with_the_first_report_and_drops_next_steps(
        tmp_path: Path, analyzer: Analyzer, config: Config) -> None:
    store, evidence = evidence_store(tmp_path, analyzer, config)
    item = replace(incident(checklist=steps(2)), status="resolved", evidence=tuple(evidence))
    resolved = build(Event("inc-1:incident.resolved:3", events.INCIDENT_RESOLVED, "inc-1",
                           T0, {"incident": item.to_json()}), config, store)
    assert resolved.next_steps == ()
    assert [title for title, _ in resolved.evidence] == ["首发：抽检不合格", "官方通报",
                                                         "转载：抽检不合格"]
    opened = build(Event("inc-1:incident.opened:1", events.INCIDENT_OPENED, "inc-1", T0,
                         {"incident": item.to_json()}), config, store)
    assert opened.next_steps[0].startswith("第0步")
