"""Store contract for facets (top sources, hot keywords) and access records (tokens,
sessions, users), run against every backend in `STORE_BACKENDS`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from brandguard.access import Credential, User, hash_password, new_secret, secret_hash
from brandguard.store.base import Store
from tests.conftest import analyzed, make_doc

if TYPE_CHECKING:
    from brandguard.configuration.loader import Config
    from brandguard.nlp.analyzer import Analyzer

TZ = ZoneInfo("Asia/Shanghai")
MakeStore = Callable[[], Store]
T0 = datetime(2026, 3, 1, 9, tzinfo=TZ)


def test_top_sources_count_documents_per_source_for_the_brands(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    rows = [("八马茶业新品上市", "news.a", 0), ("八马茶业涨价", "news.a", 1),
            ("八马茶业门店开业", "news.b", 2), ("宜兴紫砂壶展览", "news.c", 3),
            ("八马茶业旧闻", "news.d", 200)]
    store.upsert([
        analyzed(analyzer, make_doc(text, config=config, source=src, url=f"http://{src}/{n}",
                                    published_at=(T0 + timedelta(hours=h)).isoformat()))
        for n, (text, src, h) in enumerate(rows)])
    top = store.top_sources(["bama"], T0, T0 + timedelta(days=1))
    assert top == [("news.a", 2), ("news.b", 1)]
    assert store.top_sources(["bama"], T0, T0 + timedelta(days=1), limit=1) == [("news.a", 2)]
    assert store.top_sources(["yixing"], T0, T0 + timedelta(days=1)) == [("news.c", 1)]


def test_top_keywords_count_each_document_once(
        make_store: MakeStore, analyzer: Analyzer, config: Config) -> None:
    store = make_store()
    texts = ["八马茶业铁观音农药残留超标", "八马茶业农药残留问题调查", "八马茶业新店开业"]
    items = [analyzed(analyzer, make_doc(t, config=config, url=f"http://k.example/{i}",
                                         published_at=(T0 + timedelta(hours=i)).isoformat()))
             for i, t in enumerate(texts)]
    store.upsert(items)
    expected: dict[str, int] = {}
    for _, analysis in items:
        for word in set(analysis.keywords):
            expected[word] = expected.get(word, 0) + 1
    top = dict(store.top_keywords(["bama", "anxi-tieguanyin"], T0, T0 + timedelta(days=1),
                                  limit=100))
    assert top == expected
    assert max(top.values()) >= 2  # the shared words rise to the top
    assert store.top_keywords(["yixing"], T0, T0 + timedelta(days=1)) == []


def test_credentials_are_found_by_hash_and_listed_per_kind_and_org(
        make_store: MakeStore) -> None:
    store = make_store()
    secret = new_secret()
    token = Credential("t1", "token", "anxi-tea", "crm", secret_hash(secret), T0,
                       expires_at=T0 + timedelta(days=90))
    session = Credential("s1", "session", "other-org", "王五", secret_hash(new_secret()), T0,
                         expires_at=T0 + timedelta(hours=12), csrf="c" * 20)
    store.save_credential(token)
    store.save_credential(session)
    assert store.credential_by_hash(secret_hash(secret)) == token
    assert store.credential_by_hash(secret_hash(new_secret())) is None
    assert [c.id for c in store.credentials("token")] == ["t1"]
    assert store.credentials("token", "other-org") == []
    assert store.credentials("session", "other-org") == [session]
    revoked = Credential("t1", "token", "anxi-tea", "crm", token.hash, T0,
                         token.expires_at, revoked_at=T0 + timedelta(days=1))
    store.save_credential(revoked)
    assert store.credential_by_hash(token.hash) == revoked
    assert not revoked.valid_at(T0 + timedelta(days=2))
    assert token.valid_at(T0 + timedelta(days=2))
    assert not token.valid_at(T0 + timedelta(days=91))
    assert store.delete_credentials_before("session", T0 + timedelta(days=1)) == 1
    assert store.credentials("session") == []
    assert store.credentials("token") == [revoked]


def test_users_are_kept_per_name(make_store: MakeStore) -> None:
    store = make_store()
    user = User("张三", "anxi-tea", hash_password("s3cret-pass"), T0)
    store.save_user(user)
    store.save_user(User("李四", "other-org", hash_password("x" * 12), T0))
    assert store.get_user("张三") == user
    assert store.get_user("nobody") is None
    assert [u.name for u in store.users("anxi-tea")] == ["张三"]
    assert sorted(u.name for u in store.users()) == ["张三", "李四"]
