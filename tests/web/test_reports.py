"""The report over HTTP: the JSON contract, its agreement with the dashboard's own
endpoints to the document, organisation scoping, downloads and the 报告 page."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import lxml.html

from brandguard.reports.figures import ReportBuilder
from brandguard.reports.period import explicit
from tests.web.helpers import logged_in

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from tests.web.conftest import World

RANGE = {"from": "2026-11-13", "to": "2026-11-21"}  # the world's history and its burst


def _report(client: httpx.Client, brand: str = "bama", **params: str) -> Any:
    return client.get(f"/api/v1/reports/{brand}", params={**RANGE, **params})


def test_json_is_the_builders_object_for_the_organisation(
        web_world: World, make_client: Callable[..., httpx.Client]) -> None:
    answer = _report(make_client())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    brand = web_world.config.brand("bama")
    assert brand is not None
    direct = ReportBuilder(web_world.store(), web_world.config).build(
        brand, explicit(date(2026, 11, 13), date(2026, 11, 21)))
    assert body["indicators"] == direct["indicators"]
    assert body["daily"] == direct["daily"]
    assert [i["id"] for i in body["incidents"]] == [web_world.incidents["anxi-tea"]]
    assert body["organization"] == {"id": "anxi-tea", "name": "安溪县茶业协会"}


def test_report_and_dashboard_agree_to_the_document(
        make_client: Callable[..., httpx.Client]) -> None:
    client = make_client()
    body = _report(client).json()
    window = {"since": "2026-11-13T00:00:00", "until": "2026-11-22T00:00:00"}
    series = client.get("/api/v1/brands/bama/timeseries",
                        params={**window, "bucket": "1d"}).json()["points"]
    dashboard = {p["bucket"][:10]: p for p in series}
    assert body["indicators"]["mentions"] == sum(p["total"] for p in series) > 0
    for day in body["daily"]:
        shown = dashboard[day["date"]]
        assert (day["positive"], day["neutral"], day["negative"], day["total"]) == (
            shown["positive"], shown["neutral"], shown["negative"], shown["total"]), day
    sources = client.get("/api/v1/brands/bama/sources", params={**window,
                                                                "limit": 10}).json()
    assert [(s["source"], s["documents"]) for s in body["sources"]] == [
        (s["term"], s["count"]) for s in sources]


def test_another_organisations_brand_is_not_found(
        make_client: Callable[..., httpx.Client]) -> None:
    assert _report(make_client(), "yixing").status_code == 404
    assert _report(make_client("other-org"), "bama").status_code == 404
    assert _report(make_client(None)).status_code == 401
    theirs = _report(make_client("other-org"), "yixing").json()
    assert theirs["indicators"]["mentions"] > 0
    assert all("八马" not in d["title"] for d in theirs["top_negative"])


def test_rendered_downloads_and_period_errors(make_client: Callable[..., httpx.Client]) -> None:
    client = make_client()
    pdf = _report(client, format="pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == (
        "attachment; filename*=UTF-8''bama-2026-11-13-2026-11-21.pdf")
    word = _report(client, format="docx")
    assert word.status_code == 200
    assert word.content[:2] == b"PK"
    assert _report(client, format="exe").status_code == 422
    reversed_range = client.get("/api/v1/reports/bama",
                                params={"from": "2026-11-21", "to": "2026-11-13"})
    assert reversed_range.status_code == 400
    assert "before it starts" in reversed_range.text
    both = client.get("/api/v1/reports/bama", params={**RANGE, "period": "week"})
    assert both.status_code == 400
    assert "not both" in both.text
    week = client.get("/api/v1/reports/bama", params={"period": "week"})
    assert week.status_code == 200
    assert week.json()["period"] == "week"


def test_report_page_shows_the_report_escaped_with_download_links(web_world: World) -> None:
    with logged_in(web_world.url, web_world.users["anxi-tea"]) as client:
        page = client.get("/reports", params={"brand": "bama", **RANGE})
        assert page.status_code == 200
        tree = lxml.html.fromstring(page.text)
        assert tree.xpath("//article[@class='bg-report']//h1")[0].text_content() == (
            "八马茶业舆情报告（2026-11-13 至 2026-11-21）")
        assert not tree.xpath("//article//script")
        assert "window.__xss" not in "".join(
            tree.xpath("//article//@*"))
        pdf = tree.get_element_by_id("download-pdf").get("href")
        assert pdf == "/api/v1/reports/bama?from=2026-11-13&to=2026-11-21&format=pdf"
        assert client.get(pdf).content.startswith(b"%PDF")  # the session is enough
        assert client.get("/reports", params={"brand": "yixing"}).status_code == 404
        bad = client.get("/reports", params={"brand": "bama", "from": "2026-11-21",
                                             "to": "2026-11-01"})
        assert "before it starts" in lxml.html.fromstring(bad.text).get_element_by_id(
            "report-error").text_content()
