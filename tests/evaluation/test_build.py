"""The yearly evaluation on the hand-counted story (tests/reports/story.py), on both
stores: monitoring values, scores, total, missing values, the previous year, proposals,
the member review and its decisions. Every expected figure is counted by hand below."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pytest

from brandguard.errors import InputError
from brandguard.evaluation.actions import Actions
from brandguard.evaluation.build import EvaluationBuilder
from tests.reports.story import MEMBER, REGIONAL, TZ, fill, story_config

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer
    from brandguard.store.base import Store

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=TZ)


@pytest.fixture
def world(make_store: Callable[[], Store], analyzer: Analyzer,
          tmp_path: Path) -> tuple[Config, Store]:
    config = story_config(tmp_path)
    store = make_store()
    fill(store, analyzer, config)
    return config, store


def _evaluate(world: tuple[Config, Store], year: int = 2026) -> dict[str, object]:
    config, store = world
    brand = config.brand(REGIONAL)
    assert brand is not None
    return EvaluationBuilder(store, config).build(brand, year, NOW)


def _rows(evaluation: dict[str, object]) -> dict[str, dict[str, object]]:
    return {r["id"]: r for r in evaluation["indicators"]}  # type: ignore[attr-defined]


def test_monitoring_values_scores_and_the_total(world: tuple[Config, Store]) -> None:
    evaluation = _evaluate(world)
    rows = _rows(evaluation)
    # own mentions in 2026: d1 +, d2 +, d3 0, d9 -, o1 +, o2 - (d10 a repost): 6, net 1/6
    assert rows["net_sentiment"]["value"] == pytest.approx(0.1667, abs=1e-4)
    assert rows["net_sentiment"]["score"] == pytest.approx(77.78, abs=0.01)  # (v+.3)/.6
    assert rows["share_of_voice"]["value"] == 0.75  # 6 / (6 + 武夷岩茶's 2)
    assert rows["share_of_voice"]["score"] == 100
    assert rows["mentions_growth"]["applicable"] is False  # 2025 has no documents
    assert (rows["incidents_major"]["value"], rows["incidents_major"]["score"]) == (0, 100)
    # resolved in 48 h (八马, III) and 24 h (October, IV): median 36 h
    assert rows["incident_resolution_hours"]["value"] == 36
    assert rows["incident_resolution_hours"]["score"] == pytest.approx(91.67, abs=0.01)
    assert rows["checklist_on_time"]["value"] == pytest.approx(0.3333, abs=1e-4)  # 1 of 3
    assert rows["checklist_on_time"]["score"] == 0  # below the floor of 0.5
    assert evaluation["missing"] == ["trademark_licensees", "quality_pass_rate",
                                     "group_standards", "brand_training"]
    # applicable weights 15+10+15+10+10 monitoring, 35 manual (scored 0): 95
    expected = (15 * 77.7778 + 10 * 100 + 15 * 100 + 10 * 91.6667) / 95
    assert evaluation["total"] == pytest.approx(expected, abs=0.01)
    assert evaluation["previous_total"] is None  # 2025: no document, incident or value


def test_manual_values_latest_counts_and_last_year_gives_a_previous_total(
        world: tuple[Config, Store]) -> None:
    config, store = world
    brand = config.brand(REGIONAL)
    assert brand is not None
    actions = Actions(store, config, NOW)
    actions.set_value(brand, 2026, "quality_pass_rate", "0.96", "王秘书")
    actions.set_value(brand, 2026, "quality_pass_rate", "98%", "李主任", "市场监管局通报")
    actions.set_value(brand, 2025, "trademark_licensees", "25", "王秘书")
    evaluation = _evaluate(world)
    rate = _rows(evaluation)["quality_pass_rate"]
    assert (rate["value"], rate["score"]) == (0.98, 80)  # the latest; 0.97 <= v < 0.99
    assert rate["entered"]["by"] == "李主任"  # type: ignore[index]
    assert "quality_pass_rate" not in evaluation["missing"]  # type: ignore[operator]
    # 2025: no document (net sentiment, share, growth not applicable), no incident (0 major:
    # 100 points, weight 15; hours and steps not applicable), 25 licensees (linear 0..50:
    # 50 points, weight 10), the other manual ones 0: (15*100 + 10*50) / (15 + 35)
    assert evaluation["previous_total"] == pytest.approx(40.0, abs=0.01)
    assert _rows(evaluation)["trademark_licensees"]["previous_score"] == 50
    assert len(store.evaluation_entries(brand.organization, REGIONAL, 2026)) == 2


def test_proposals_for_indicators_below_target_until_accepted_or_dropped(
        world: tuple[Config, Store]) -> None:
    config, store = world
    brand = config.brand(REGIONAL)
    assert brand is not None
    proposed = {m["indicator"] for m in _evaluate(world)["measures"]}  # type: ignore[attr-defined]
    assert proposed == {"net_sentiment", "incident_resolution_hours", "checklist_on_time"}
    actions = Actions(store, config, NOW)
    added = actions.add_measure(brand, 2026, "开展正面宣传", "宣传组", "2027-06-30", "王秘书",
                                "net_sentiment")
    actions.drop_proposal(brand, 2026, "checklist_on_time", "王秘书", "已另行督办")
    measures = _evaluate(world)["measures"]
    assert [(m["id"], m["indicator"], m["status"]) for m in measures] == [  # type: ignore[attr-defined]
        (f"M{added.seq}", "net_sentiment", "open"),
        (None, "incident_resolution_hours", "proposed")]


def test_member_review_flags_with_reasons_and_records_decisions(
        world: tuple[Config, Store]) -> None:
    config, store = world
    brand = config.brand(REGIONAL)
    assert brand is not None
    review = _evaluate(world)["members_review"]
    bama = review[0]  # type: ignore[index]
    # 2 mentions (under min_mentions 5, so no share reason), a III incident (not II/I),
    # one contingency step never done: flagged for that alone
    assert (bama["brand"], bama["flag"], bama["reasons"]) == (
        MEMBER, True, ["风险控制预案步骤未完成 1 项"])
    assert review[1]["flag"] is False  # type: ignore[index]
    actions = Actions(store, config, NOW)
    actions.decide(brand, 2026, MEMBER, "warn", "王秘书", "限期整改")
    decided = _evaluate(world)["members_review"][0]["decision"]  # type: ignore[index]
    assert (decided["decision"], decided["label"], decided["by"]) == ("warn", "警示", "王秘书")
    with pytest.raises(InputError, match="is not a member of"):
        actions.decide(brand, 2026, "wuyi", "keep", "王秘书")
