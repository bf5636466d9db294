"""`source_authority` in rules.yaml applies whether it names a source as readers see it (a
feed's title, a credited publisher) or by its id in sources.yaml."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from brandguard.configuration.rules import Rules
from brandguard.risk.signals.spike import _authority
from brandguard.store.base import StoredDocument
from tests.conftest import analyzed, make_doc

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer


@pytest.mark.parametrize(("weights", "expected"), [
    ({"茶讯": 3.0}, 3.0), ({"news": 2.5}, 2.5), ({"茶讯": 3.0, "news": 2.5}, 3.0),
    ({"elsewhere": 9.0}, 1.5), ({}, 1.5)])
def test_authority_by_name_then_id_then_the_sources_own(
        weights: dict[str, float], expected: float, analyzer: Analyzer, config: Config) -> None:
    doc, analysis = analyzed(analyzer, make_doc("八马茶业被曝抽检不合格", config=config,
                                                source="茶讯", feed="news", authority=1.5))
    hit = StoredDocument(doc, analysis, datetime(2026, 11, 20, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert _authority(Rules.model_validate({"source_authority": weights}), hit) == expected
