"""Scheduled digests: which periods are due, what each channel receives (a real loopback
SMTP server and HTTP sinks), and at-least-once without repeats across restarts."""

from __future__ import annotations

import email
import email.policy
import itertools
import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandguard.alerts.dispatcher import AlertDispatcher
from brandguard.configuration.loader import Config, load_config
from brandguard.errors import ConfigError
from brandguard.reports.digest import CATCH_UP, DigestPlanner, due_periods
from brandguard.reports.period import containing
from brandguard.store.sqlite import SqliteStore
from tests.reports.story import REGIONAL, TZ
from tests.servers import http_sink, smtp_sink

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.channels import Digest

DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)  # a Tuesday


def _at(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=TZ)


@pytest.mark.parametrize(("every", "now", "latest"), [
    ("day", "2026-12-01 07:59", ("2026-11-29", "2026-11-29")),  # before 08:00: not yet
    ("day", "2026-12-01 08:00", ("2026-11-30", "2026-11-30")),
    ("week", "2026-11-30 08:00", ("2026-11-23", "2026-11-29")),  # Monday: last week
    ("week", "2026-11-30 07:00", ("2026-11-16", "2026-11-22")),
    ("month", "2026-12-01 08:30", ("2026-11-01", "2026-11-30")),
    ("month", "2026-12-01 06:00", ("2026-10-01", "2026-10-31")),
])
def test_the_latest_due_period(every: str, now: str, latest: tuple[str, str]) -> None:
    [first, *_] = due_periods(every, "08:00", _at(*now.split()), TZ)  # type: ignore[arg-type]
    assert (first.first.isoformat(), first.last.isoformat()) == latest


def test_a_worker_that_was_down_catches_up_the_last_week_of_days() -> None:
    due = due_periods("day", "08:00", _at("2026-12-01", "10:00"), TZ)
    days = [p.first.isoformat() for p in due]
    assert days[:4] == ["2026-11-30", "2026-11-29", "2026-11-28", "2026-11-27"]
    # sent at 08:00 on 12-01 … 11-25: within CATCH_UP; 11-24 08:00 is 7 days 2 hours ago
    assert len(due) == CATCH_UP.days
    assert days[-1] == "2026-11-24"
    month = due_periods("month", "08:00", _at("2026-12-01", "10:00"), TZ)
    assert [p.first.isoformat() for p in month] == ["2026-11-01"]  # October's is too old


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
       st.sampled_from(["day", "week", "month"]), st.sampled_from(["00:00", "08:00", "23:59"]))
def test_due_periods_are_whole_past_and_contiguous(now: datetime, every: str, at: str) -> None:
    local = now.replace(tzinfo=TZ)
    due = due_periods(every, at, local, TZ)  # type: ignore[arg-type]
    assert due, "there is always a latest period"
    for newer, older in itertools.pairwise(due):
        assert older.last + timedelta(days=1) == newer.first
    for period in due:
        assert period == containing(every, period.first)  # type: ignore[arg-type]
        assert period.last < local.date()


def _config(tmp_path: Path, channels: str, routes: str) -> Config:
    from tests.reports.story import story_config

    config = story_config(tmp_path)
    (config.root / "settings.yaml").write_text(
        "allow_private_targets: ['127.0.0.0/8']\n"
        "dashboard_url: https://yuqing.example.cn/\n", encoding="utf-8")
    (config.root / "channels.yaml").write_text(f"channels:\n{channels}routes:\n{routes}",
                                               encoding="utf-8")
    return load_config(config.root)


def test_digest_routes_are_checked(tmp_path: Path) -> None:
    channel = "  - {id: hook, type: webhook, url: 'http://127.0.0.1:9/x'}\n"
    cases = {
        "  - {organization: anxi-tea, channels: [hook], digest: {every: week}}\n":
            "a digest route needs an `id`",
        "  - {id: w, organization: anxi-tea, channels: [hook], categories: [fraud],"
        " digest: {every: week}}\n": "categories apply to incident alerts",
        "  - {id: w, organization: anxi-tea, channels: [hook], digest: {every: year}}\n":
            "digest.every",
        "  - {id: w, organization: anxi-tea, channels: [hook], digest: {every: day}}\n"
        "  - {id: w, organization: anxi-tea, channels: [hook], digest: {every: week}}\n":
            "duplicate route id 'w'",
    }
    for routes, message in cases.items():
        with pytest.raises(ConfigError) as caught:
            _config(tmp_path / str(len(routes)), channel, routes)
        assert message in str([str(p) for p in caught.value.problems]), routes


def test_each_channel_gets_its_form_once_and_a_second_pass_sends_nothing(
        tmp_path: Path, analyzer: object) -> None:
    from tests.reports.story import fill

    with smtp_sink() as (smtp_port, mailbox), http_sink() as hook, http_sink() as robot:
        config = _config(tmp_path, (
            f"  - {{id: mail, type: email, host: 127.0.0.1, port: {smtp_port}, "
            "security: none, sender: bg@example.com, to: [director@example.com]}\n"
            f"  - {{id: hook, type: webhook, url: '{hook.url}/in', secret: s3cret}}\n"
            f"  - {{id: bot, type: dingtalk, url: '{robot.url}/robot'}}\n"),
            f"  - {{id: monthly, organization: anxi-tea, brands: [{REGIONAL}], "
            "channels: [mail, hook, bot], digest: {every: month, at: '08:00'}}\n"
            "  - {organization: anxi-tea, channels: [hook]}\n")
        store = SqliteStore(tmp_path / "digest.db", TZ)
        fill(store, analyzer, config)  # type: ignore[arg-type]
        clock = [DEC_1]
        planner = DigestPlanner(store, config, lambda: clock[0])
        dispatcher = AlertDispatcher(store, config, clock=lambda: clock[0])
        # fill saves its incidents without outbox events: the digest is all there is to send
        assert planner.run_once() == 1  # November's, for the one brand of the route
        done = dispatcher.run_once()
        assert sorted((d.channel, d.status) for d in done) == [
            ("bot", "sent"), ("hook", "sent"), ("mail", "sent")]

        [(_, rcpt, raw)] = mailbox.messages
        mail = email.message_from_bytes(raw, policy=email.policy.default)
        assert rcpt == ["director@example.com"]
        assert mail["Subject"] == "[brandguard] 安溪铁观音舆情简报（2026年11月）"
        html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert "本月共监测到安溪铁观音相关信息 4 条" in html
        assert "<h2>同类品牌对比</h2>" in html
        [pdf] = list(mail.iter_attachments())
        assert pdf.get_filename() == f"{REGIONAL}-2026-11-01-2026-11-30.pdf"
        assert pdf.get_content().startswith(b"%PDF")

        [posted] = hook.requests
        body = json.loads(posted.body)
        key = f"digest:monthly:{REGIONAL}:2026-11-01:2026-11-30"
        assert posted.headers["Idempotency-Key"] == key == body["idempotency_key"]
        assert body["type"] == "report.digest"
        assert body["report"]["indicators"]["mentions"] == 4

        [said] = robot.requests
        markdown = json.loads(said.body)["markdown"]["text"]
        assert "本月共监测到安溪铁观音相关信息 4 条" in markdown
        assert ("[查看完整报告](https://yuqing.example.cn/reports?brand=anxi-tieguanyin"
                "&from=2026-11-01&to=2026-11-30)") in markdown

        clock[0] = DEC_1 + timedelta(hours=5)  # later the same day, and a fresh process
        again = DigestPlanner(store, config, lambda: clock[0])
        assert again.run_once() == 0
        assert AlertDispatcher(store, config, clock=lambda: clock[0]).run_once() == []
        assert (len(mailbox.messages), len(hook.requests), len(robot.requests)) == (1, 1, 1)


def test_routes_without_brands_digest_every_top_level_brand(tmp_path: Path) -> None:
    from brandguard.reports.digest import route_brands

    config = _config(tmp_path, "  - {id: hook, type: webhook, url: 'http://127.0.0.1:9/x'}\n",
                     "  - {id: d, organization: anxi-tea, channels: [hook], "
                     "digest: {every: day}}\n")
    [route] = config.routes
    names = {b.id for b in route_brands(route, config)}
    assert REGIONAL in names
    assert not names & {"bama", "anxi-group", "wuyi"}  # members and the peer are not


def _digest(config: Config) -> Digest:
    digest = config.routes[0].digest
    assert digest is not None
    return digest


def test_a_week_digest_is_the_monday_to_sunday_before(tmp_path: Path) -> None:
    config = _config(tmp_path, "  - {id: hook, type: webhook, url: 'http://127.0.0.1:9/x'}\n",
                     "  - {id: w, organization: anxi-tea, channels: [hook], "
                     "digest: {every: week, at: '07:30'}}\n")
    digest = _digest(config)
    [latest, *_] = due_periods(digest.every, digest.at, DEC_1, TZ)
    assert (latest.first, latest.last) == (date(2026, 11, 23), date(2026, 11, 29))
