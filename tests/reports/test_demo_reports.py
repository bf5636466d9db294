"""Every period and every format on the demo's story (config/demo/documents.jsonl, ingested
through the real pipeline and risk engine into SQLite, the example configuration)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import TYPE_CHECKING

import docx
import pytest

from brandguard.reports.period import NAMES, explicit, last_full
from brandguard.reports.render import FORMATS
from brandguard.reports.service import make
from tests.reports.test_render import poppler

if TYPE_CHECKING:
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.store.sqlite import SqliteStore

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 9, 0).astimezone()
BRAND = "yunling-maojian"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_period_in_every_format(demo_store: tuple[Config, SqliteStore], name: str,
                                      fmt: str, tmp_path: Path) -> None:
    config, store = demo_store
    brand = config.brand(BRAND)
    assert brand is not None
    period = last_full(name, TODAY)  # type: ignore[arg-type]
    made = make(store, config, brand, period, fmt, NOW)
    assert made.filename == f"{BRAND}-{period.first}-{period.last}.{fmt}"
    if fmt == "json":
        assert json.loads(made.body)["from"] == period.first.isoformat()
    elif fmt in ("md", "html"):
        assert "云岭毛尖舆情报告" in made.body.decode()
    elif fmt == "docx":
        assert docx.Document(io.BytesIO(made.body)).core_properties.title.startswith("云岭毛尖")
    else:
        path = tmp_path / "r.pdf"
        path.write_bytes(made.body)
        assert "云岭毛尖舆情报告" in poppler("pdftotext", str(path), "-")


def test_the_demo_month_tells_the_demo_story(demo_store: tuple[Config, SqliteStore]) -> None:
    config, store = demo_store
    brand = config.brand(BRAND)
    assert brand is not None
    november = make(store, config, brand, explicit(date(2026, 11, 1), date(2026, 11, 30)),
                    "json", NOW).figures
    assert november["indicators"]["mentions"] > 0
    [worst] = [i for i in november["incidents"] if i["brand"] == "xiyuan"]
    assert worst["level"] == "II"
    assert worst["first_source"] is not None
    assert november["members"][0]["brand"] == "xiyuan"  # the member that needs attention


def test_the_demo_month_lists_its_stories_in_every_format(
        demo_store: tuple[Config, SqliteStore], tmp_path: Path) -> None:
    config, store = demo_store
    brand = config.brand(BRAND)
    assert brand is not None
    november = explicit(date(2026, 11, 1), date(2026, 11, 30))
    stories = make(store, config, brand, november, "json", NOW).figures["stories"]
    pesticide = next(s for s in stories if s["brand"] == "xiyuan")
    # the portal's report, its two reposts and at least one outlet's own follow-up
    assert pesticide["documents"] >= 4
    assert pesticide["reposts"] == 2
    assert pesticide["first"]["source"] == "新闻门户"
    assert pesticide["title"] == "抽检不合格！溪源茶业一批次绿茶农残超标"
    assert all(s["documents"] >= 2 for s in stories)
    # told under the member and under the regional brand, listed once, naming both
    assert len({s["first"]["id"] for s in stories}) == len(stories)
    assert pesticide["brand_name"] == "溪源茶业、云岭毛尖"
    html = make(store, config, brand, november, "html", NOW).body.decode()
    assert "事件聚类" in html
    assert "抽检不合格！溪源茶业一批次绿茶农残超标" in html
    path = tmp_path / "r.pdf"
    path.write_bytes(make(store, config, brand, november, "pdf", NOW).body)
    text = poppler("pdftotext", str(path), "-")
    assert "事件聚类" in text
    assert "新闻门户" in text
