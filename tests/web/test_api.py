"""The REST API against a real server: filters, series, facets, incidents and actions."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from brandguard.web.schemas import Series
from tests.web.conftest import NOW, XSS_TEXT
from tests.web.helpers import logged_in

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from tests.web.conftest import World

RANGE = {"since": (NOW - timedelta(days=10)).isoformat(),
         "until": (NOW + timedelta(days=1)).isoformat()}


def test_mention_search_filters_and_pages(make_client: Callable[..., httpx.Client]) -> None:
    client = make_client()
    everything = client.get("/api/v1/mentions", params={"brand": "bama", "limit": 100}).json()
    negative = client.get("/api/v1/mentions",
                          params={"brand": "bama", "polarity": "negative", "limit": 100}).json()
    words = client.get("/api/v1/mentions", params={"q": "抽检不合格", "limit": 100}).json()
    # 7 history, 6 burst, 1 social post, 1 xss
    assert everything["total"] == len(everything["hits"]) == 15
    assert 6 <= negative["total"] < everything["total"]
    assert all(any(m["brand"] == "bama" and m["polarity"] == "negative" for m in h["mentions"])
               for h in negative["hits"])
    assert words["total"] == 6
    assert all("抽检不合格" in h["text"] for h in words["hits"])
    since = (NOW - timedelta(hours=4)).isoformat()
    recent = client.get("/api/v1/mentions", params={"brand": "bama", "since": since}).json()
    assert recent["total"] == 8  # the burst, the post and the xss document
    # an age, as the CLI takes it, counted back from the server's (real) clock: the world's
    # documents are all from before the last minute and within the last century
    ages = {age: client.get("/api/v1/mentions", params={"brand": "bama", "since": age}).json()
            for age in ("1m", "36500d")}
    assert ages["1m"]["total"] == 0
    assert ages["36500d"]["total"] == everything["total"]
    unusable = client.get("/api/v1/mentions", params={"since": "last tuesday"})
    assert unusable.status_code == 400
    assert "不是可用的时间" in unusable.json()["detail"]
    page2 = client.get("/api/v1/mentions",
                       params={"brand": "bama", "limit": 5, "offset": 5}).json()
    assert [h["id"] for h in page2["hits"]] == [h["id"] for h in everything["hits"][5:10]]
    assert client.get("/api/v1/mentions", params={"polarity": "angry"}).status_code == 422
    too_many = client.get("/api/v1/mentions", params={"limit": 1000})
    assert too_many.status_code == 422
    # Chinese first, naming the parameter; the structured list stays for programs
    assert too_many.json()["detail"].startswith("请求参数有误")
    assert "查询参数 limit：应不大于 100（收到 1000）" in too_many.json()["detail"]
    assert too_many.json()["errors"][0]["loc"] == ["query", "limit"]


def test_timeseries_adds_up_to_the_search_totals(
        make_client: Callable[..., httpx.Client]) -> None:
    client = make_client()
    series = client.get("/api/v1/brands/bama/timeseries", params={**RANGE, "bucket": "1d"})
    assert series.status_code == 200
    assert series.headers["content-type"] == "application/json"
    # exactly the documented model, field for field
    assert Series.model_validate(series.json()).model_dump(mode="json") == series.json()
    points = series.json()["points"]
    assert series.json()["bucket_seconds"] == 86400
    total = client.get("/api/v1/mentions", params={"brand": "bama", **RANGE}).json()["total"]
    assert sum(p["total"] for p in points) == total
    assert len(points) == 12  # every day of the range, empty ones as zeros
    assert all(p["bucket"].endswith("T00:00:00+08:00") for p in points)
    for p in points:
        assert p["total"] == p["positive"] + p["neutral"] + p["negative"]
        assert p["sentiment_index"] == (round((p["positive"] - p["negative"]) / p["total"], 4)
                                        if p["total"] else None)
    assert any(p["total"] == 0 for p in points)
    assert client.get("/api/v1/brands/bama/timeseries",
                      params={**RANGE, "bucket": "1m"}).status_code == 400
    assert client.get("/api/v1/brands/bama/timeseries",
                      params={"since": RANGE["until"], "until": RANGE["since"]}).status_code == 400


def test_keywords_sources_and_categories(make_client: Callable[..., httpx.Client]) -> None:
    client = make_client()
    sources = client.get("/api/v1/brands/anxi-tieguanyin/sources", params=RANGE).json()
    assert sources[0] == {"term": "history.example", "count": 7}  # members roll up
    assert {"term": "s0.example", "count": 1} in sources
    keywords = client.get("/api/v1/brands/bama/keywords", params=RANGE).json()
    assert keywords
    assert keywords[0]["count"] >= 6
    categories = client.get("/api/v1/brands/bama/categories", params=RANGE).json()
    assert {c["label"] for c in categories} >= {"质量安全"}


def test_incident_detail_carries_evidence_checklist_and_timeline(
        web_world: World, make_client: Callable[..., httpx.Client]) -> None:
    incident_id = web_world.incidents["anxi-tea"]
    detail = make_client().get(f"/api/v1/incidents/{quote(incident_id)}").json()
    assert detail["brand"] == "bama"
    assert detail["level"] in ("IV", "III", "II", "I")
    assert {d["id"] for d in detail["evidence_documents"]} == set(detail["evidence"])
    assert detail["checklist"]
    assert detail["timeline"][0]["action"] == "opened"
    xss = next(d for d in detail["evidence_documents"] if d["id"] == web_world.xss_doc)
    assert xss["text"] == XSS_TEXT  # JSON carries the text as it was; pages escape it


def test_token_actions_name_a_staff_member(
        web_world: World, make_client: Callable[..., httpx.Client]) -> None:
    client = make_client(org="anxi-tea")
    path = f"/api/v1/incidents/{quote(web_world.incidents['anxi-tea'])}/acknowledge"
    missing = client.post(path, json={})
    assert missing.status_code == 400
    assert "by" in missing.json()["detail"]
    stranger = client.post(path, json={"by": "外人"})
    assert stranger.status_code == 409
    assert "staff" in stranger.json()["detail"]
    assert client.post(path, json={"by": "王秘书", "extra": 1}).status_code == 422


def test_acknowledge_and_check_steps_with_a_token(
        web_world: World, make_client: Callable[..., httpx.Client]) -> None:
    client = make_client(org="other-org")
    base = f"/api/v1/incidents/{quote(web_world.incidents['other-org'])}"
    acked = client.post(f"{base}/acknowledge", json={"by": "赵会长"})
    assert acked.status_code == 200
    assert acked.json()["status"] == "acknowledged"
    again = client.post(f"{base}/acknowledge", json={"by": "赵会长"})
    assert again.status_code == 409
    assert "already acknowledged" in again.json()["detail"]
    step = client.post(f"{base}/checklist/verify", json={"by": "赵会长", "note": "已核实来源"})
    assert step.status_code == 200
    done = next(s for s in step.json()["checklist"] if s["id"] == "verify")
    assert (done["done_by"], done["note"]) == ("赵会长", "已核实来源")
    assert step.json()["timeline"][-1]["action"] == "checked"
    missing = client.post(f"{base}/checklist/nope", json={"by": "赵会长"})
    assert missing.status_code == 404  # no such step: not a conflict
    assert "has no step 'nope'" in missing.json()["detail"]


def test_session_writes_need_the_csrf_token(web_world: World) -> None:
    with logged_in(web_world.url, web_world.users["other-org"]) as browser:
        me = browser.get("/api/v1/me").json()
        assert me["kind"] == "session"
        assert me["csrf"]
        path = f"/api/v1/incidents/{quote(web_world.incidents['other-org'])}/checklist/contact"
        refused = browser.post(path, json={"note": "x"})
        wrong = browser.post(path, json={"note": "x"}, headers={"X-CSRF-Token": "guess"})
        assert (refused.status_code, wrong.status_code) == (403, 403)
        done = browser.post(path, json={"note": "已联系企业"}, headers={"X-CSRF-Token": me["csrf"]})
        assert done.status_code == 200
        step = next(s for s in done.json()["checklist"] if s["id"] == "contact")
        assert step["done_by"] == "赵会长"  # a session acts as its user, whatever "by" says


def test_health_metrics_and_security_headers(
        web_world: World, make_client: Callable[..., httpx.Client]) -> None:
    client = make_client()
    assert client.get("/healthz").json() == {"status": "ok"}
    client.get("/api/v1/brands")
    metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'brandguard_http_requests_total{method="GET",route="/api/v1/brands",status="200"}' \
        in metrics.text
    assert "brandguard_open_incidents{level=" in metrics.text
    for path in ("/api/v1/brands", "/login", "/static/dashboard.js"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"].split("script-src")[1] \
            .split(";")[0]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
    assert client.get("/docs").status_code == 404  # the CDN-loading docs UI is off


def test_times_no_datetime_can_hold_are_a_400_not_a_500(
        make_client: Callable[..., httpx.Client]) -> None:
    client = make_client()
    for params in ({"since": "9999-12-31T23:59:59-12:00"},
                   {"until": "0001-01-01T00:00:00+14:00"}):
        answer = client.get("/api/v1/mentions", params=params)
        assert answer.status_code == 400, answer.text
        assert "outside the range of dates" in answer.json()["detail"]
    series = client.get("/api/v1/brands/bama/timeseries",
                        params={"until": "9999-12-31T23:59:59-12:00"})
    assert series.status_code == 400


def test_top_authors_and_posts_by_engagement(make_client: Callable[..., httpx.Client]) -> None:
    client = make_client()
    top = client.get("/api/v1/brands/anxi-tieguanyin/authors", params=RANGE).json()
    [kol] = top["authors"]  # members roll up; the other organisation's author never shows
    assert (kol["author"], kol["source"], kol["followers"], kol["posts"]) == (
        "茶界观察", "微博", 1_200_000, 1)
    assert kol["reach"] == 1_200_000 + 10 * (30 + 4) + 1100
    posts = client.get("/api/v1/mentions", params={"kind": "social", "min_reach": 1_000_000,
                                                   "author": "茶界观察"}).json()
    assert posts["total"] == 1
    assert posts["hits"][0]["followers"] == 1_200_000
    assert client.get("/api/v1/mentions", params={"author": "紫砂圈子"}).json()["total"] == 0
    assert client.get("/api/v1/mentions", params={"min_reach": -1}).status_code == 422
