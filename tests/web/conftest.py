"""A real web server on loopback over a real store with two organisations.

`web_world` ingests news for both organisations through the real pipeline and risk engine
(each gets an incident with a contingency-plan checklist), plus a document carrying XSS
payloads; creates users and API tokens (one revoked) the way the CLI does; and serves the
app with uvicorn on a free port. `make_client(org=…)` gives an httpx client authenticated
as that organisation's token.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import httpx
import pytest

from brandguard.access import Credential, User, hash_password, new_secret, secret_hash
from brandguard.configuration.loader import Config, load_config
from brandguard.evaluation.actions import Actions
from brandguard.nlp.analyzer import Analyzer
from brandguard.pipeline import Pipeline
from brandguard.risk.engine import RiskEngine
from brandguard.store.base import SearchQuery
from brandguard.store.sqlite import SqliteStore
from brandguard.stories.tracker import StoryTracker
from brandguard.web.app import create_app
from brandguard.web.context import WebContext
from brandguard.web.server import background
from tests.conftest import BRANDS_YAML, EXAMPLE_CONFIG, jsonl, write_config

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=TZ)
PASSWORD = "correct horse battery"  # noqa: S105 - the test users' password
XSS_TEXT = ('八马茶业新品 <script>window.__xss=1</script> "><img src=x '
            'onerror="window.__xss=2"> {{7*7}} 质量问题讨论')
XSS_TITLE = '<img src=x onerror="window.__xss=3">八马茶业标题'
REPORT = "{brand}一批次产品被检出质量问题，抽检不合格，农药残留超标，消费者担忧产品质量。第{n}条报道来自站点{n}。"
ORGS = {"anxi-tea": ("bama", "八马茶业", "王秘书"), "other-org": ("yixing", "宜兴紫砂", "赵会长")}
KOL = {"anxi-tea": "茶界观察", "other-org": "紫砂圈子"}


@dataclass
class World:
    url: str
    config: Config
    store_path: Path
    tokens: dict[str, str] = field(default_factory=dict)
    revoked: str = ""
    users: dict[str, str] = field(default_factory=dict)  # org -> user name
    incidents: dict[str, str] = field(default_factory=dict)  # org -> incident id
    documents: dict[str, str] = field(default_factory=dict)  # org -> a document id
    measures: dict[str, str] = field(default_factory=dict)  # org -> an improvement measure
    xss_doc: str = ""

    def store(self) -> SqliteStore:
        return SqliteStore(self.store_path, TZ)


def _history(brand: str, org: str) -> list[dict[str, object]]:
    start = NOW - timedelta(days=8)
    return [{"url": f"http://h.example/{org}/{d}", "source": "history.example",
             "text": f"{brand}新品上市，第{d}批茶叶受到好评。",
             "published_at": (start + timedelta(days=d)).isoformat()} for d in range(7)]


def _burst(brand: str, org: str) -> list[dict[str, object]]:
    start = NOW - timedelta(hours=3)
    return [{"url": f"http://s{n}.example/{org}/{n}", "source": f"s{n}.example",
             "title": f"{brand}产品抽检不合格（{n}）", "text": REPORT.format(brand=brand, n=n),
             "published_at": (start + timedelta(minutes=10 * n)).isoformat()}
            for n in range(6)]


def _ingest(pipeline: Pipeline, docs: list[dict[str, object]]) -> None:
    lines = [(i + 1, line.encode()) for i, line in enumerate(jsonl(*docs).splitlines())]
    report = pipeline.ingest(lines)
    assert not report.rejected, report.rejected


def _config(root: Path) -> Config:
    brands = BRANDS_YAML.replace(
        "{id: anxi-tea, name: 安溪县茶业协会}",
        "{id: anxi-tea, name: 安溪县茶业协会, staff: [王秘书, 李主任]}")
    write_config(root, brands)
    shutil.copytree(EXAMPLE_CONFIG / "plans", root / "plans")
    return load_config(root)


def _populate(world: World, analyzer: Analyzer) -> None:
    config = world.config
    store = world.store()
    engine = RiskEngine(store, config, clock=lambda: NOW)
    pipeline = Pipeline(Analyzer.from_config(config, model=analyzer.model), store,
                        config.settings, hooks=[engine],
                        stories=StoryTracker(store, config.settings.stories, config.settings.tz))
    for org, (brand_id, brand, user) in ORGS.items():
        _ingest(pipeline, _history(brand, org))
        _ingest(pipeline, _burst(brand, org))
        [incident] = store.list_incidents([brand_id])
        world.incidents[org] = incident.id
        world.documents[org] = incident.evidence[0]
        secret = new_secret()
        store.save_credential(Credential(f"tok-{org}", "token", org, "tests", secret_hash(secret),
                                         NOW - timedelta(days=1)))
        world.tokens[org] = secret
        store.save_user(User(user, org, hash_password(PASSWORD), NOW))
        world.users[org] = user
        added = Actions(store, config, NOW).add_measure(
            config.brand(brand_id), 2026, f"{brand}质量整改", "质量部", "2026-12-31",  # type: ignore[arg-type]
            user)
        world.measures[org] = f"M{added.seq}"
    for org, (_, brand, _) in ORGS.items():  # a social post with engagement each: KOL
        author = KOL[org]
        _ingest(pipeline, [{"url": f"http://weibo.example/{org}", "source": "微博",
                            "kind": "social", "author": author, "followers": "120万",
                            "reposts": 30, "comments": 4, "likes": "1.1k",
                            "text": f"{brand}的新茶喝起来不错，推荐给大家。",
                            "published_at": (NOW - timedelta(hours=2)).isoformat()}])
    _ingest(pipeline, [{"url": "http://xss.example/1", "source": "xss.example",
                        "title": XSS_TITLE, "text": XSS_TEXT,
                        "published_at": (NOW - timedelta(hours=1)).isoformat()}])
    world.xss_doc = next(h.document.id for h in store.search(
        SearchQuery(text="新品", brands=("bama",), limit=50)).hits if "<script>" in h.document.text)
    world.revoked = new_secret()
    store.save_credential(Credential("tok-revoked", "token", "anxi-tea", "old",
                                     secret_hash(world.revoked), NOW - timedelta(days=2),
                                     revoked_at=NOW - timedelta(days=1)))
    store.close()


@pytest.fixture(scope="session")
def web_world(tmp_path_factory: pytest.TempPathFactory, analyzer: Analyzer) -> Iterator[World]:
    root = tmp_path_factory.mktemp("web")
    config = _config(root / "config")
    world = World("", config, root / "web.db")
    _populate(world, analyzer)
    ctx = WebContext.create(config, f"sqlite:///{world.store_path}")
    with background(create_app(ctx)) as url:
        world.url = url
        yield world
    ctx.pool.close()


@pytest.fixture
def make_client(web_world: World) -> Iterator[Callable[..., httpx.Client]]:
    """`make_client(org="anxi-tea")`: a client with that organisation's token; `org=None`
    for none, `token=` for a specific one."""
    opened: list[httpx.Client] = []

    def factory(org: str | None = "anxi-tea", token: str | None = None) -> httpx.Client:
        secret = token or (web_world.tokens[org] if org else None)
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        client = httpx.Client(base_url=web_world.url, headers=headers, timeout=30,
                              follow_redirects=False)
        opened.append(client)
        return client

    yield factory
    for client in opened:
        client.close()
