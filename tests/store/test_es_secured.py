"""A secured cluster: HTTPS with the cluster's own CA, basic auth or an API key.

The integ-test node has no security module, so a loopback proxy plays the secured front:
it serves HTTPS with a certificate from a throwaway CA (trustme), answers 401 like
Elasticsearch to any request without the right `Authorization`, and forwards the rest to
the real node. What is checked is brandguard's side: the settings reach the client (from
`${ENV}` references), every request carries them, and wrong ones are a clear error that
names the setting and never prints the secret.
"""

from __future__ import annotations

import base64
import json
import os
import ssl
import threading
from typing import TYPE_CHECKING

import pytest
import trustme
from elasticsearch import Elasticsearch
from pydantic import SecretStr

from brandguard.errors import NotConfigured
from brandguard.net.local_server import serving
from brandguard.store.base import SearchQuery
from brandguard.store.es.mappings import drop
from brandguard.store.es.store import ElasticsearchStore
from tests.conftest import drop_indices, es_settings, jsonl, run_cli, write_config
from tests.es_proxy import EsProxy, to_node

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from brandguard.configuration.loader import Config
    from tests.es_node import EsNode

USER, PASSWORD, API_KEY = "brandguard", "s3cret-Pa55", "a2V5LWlkOmtleS1zZWNyZXQ="
WRONG, FROM_ENV = "wrong-Pa55", "${BG_ES_PASSWORD}"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
ACCEPTED = {BASIC, f"ApiKey {API_KEY}"}
UNAUTHORIZED = json.dumps({"error": {"type": "security_exception",
                                     "reason": "unable to authenticate user"},
                           "status": 401}).encode()


class Secured:
    """The front's address and CA, and the Authorization header of every request it got."""

    def __init__(self, node: str, ca_file: Path) -> None:
        self.node, self.ca_file, self.url = node, ca_file, ""
        self.headers: list[str | None] = []
        self.lock = threading.Lock()


@pytest.fixture
def secured(es_node: EsNode, tmp_path: Path) -> Iterator[Secured]:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "cluster-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    secured = Secured(es_node.url, ca_file)

    class Front(EsProxy):
        def route(self, body: bytes) -> tuple[int, bytes]:
            given = self.headers.get("Authorization")
            with secured.lock:
                secured.headers.append(given)
            return self.forward(body) if given in ACCEPTED else (401, UNAUTHORIZED)

    with serving(to_node(Front, es_node.url), tls=context) as secured.url:
        yield secured


def settings_yaml(prefix: str, secured: Secured, **credentials: str) -> str:
    """settings.yaml (as JSON, which YAML reads) for the front, with its CA."""
    return json.dumps({"elasticsearch": {"index_prefix": prefix,
                                         "ca_certs": str(secured.ca_file), **credentials}})


def test_basic_auth_from_the_environment_over_https_with_the_cluster_ca(
        secured: Secured, config: Config, tmp_path: Path) -> None:
    prefix = es_settings(config, secured.url).settings.elasticsearch.index_prefix
    root = write_config(tmp_path / "cfg", settings=settings_yaml(
        prefix, secured, username=USER, password=FROM_ENV))
    feed = tmp_path / "news.jsonl"
    feed.write_text(jsonl({"url": "http://news.example/s/1",
                           "text": "八马茶业一批次产品抽检不合格。",
                           "published_at": "2026-11-20T09:00:00+08:00"}), encoding="utf-8")
    env = {**os.environ, "BG_ES_PASSWORD": PASSWORD}
    store = ["--config", str(root), "--store", secured.url]
    try:
        ingested = run_cli(*store, "ingest", str(feed), env=env)
        assert ingested.returncode == 0, ingested.stderr
        found = run_cli(*store, "search", "抽检", "--brand", "bama", env=env)
        assert found.returncode == 0, found.stderr
        assert "八马茶业一批次产品抽检不合格" in found.stdout
        assert len(secured.headers) > 5
        assert set(secured.headers) == {BASIC}  # on every request
        assert PASSWORD not in ingested.stdout + ingested.stderr + found.stdout + found.stderr
    finally:
        client = Elasticsearch(secured.node)  # straight to the node, past the front
        drop(client, prefix)
        client.close()


def test_api_key_is_sent_on_every_request(secured: Secured, config: Config) -> None:
    cfg = es_settings(config, secured.url, api_key=SecretStr(API_KEY),
                      ca_certs=secured.ca_file)
    store = ElasticsearchStore(secured.url, cfg.settings)
    try:
        assert store.search(SearchQuery(text="八马")).total == 0
        assert secured.headers
        assert set(secured.headers) == {f"ApiKey {API_KEY}"}
    finally:
        drop_indices(store)
        store.close()


def test_refused_credentials_name_the_setting_and_hide_the_secret(
        secured: Secured, config: Config, tmp_path: Path) -> None:
    cfg = es_settings(config, secured.url, username=USER, password=SecretStr(WRONG),
                      ca_certs=secured.ca_file, connect_wait=30.0)
    with pytest.raises(NotConfigured, match=r"refused the credentials \(HTTP 401\): check "
                                            r"elasticsearch.username"):
        ElasticsearchStore(secured.url, cfg.settings)  # at once, despite connect_wait
    assert len(secured.headers) == 1
    root = write_config(tmp_path / "cfg", settings=settings_yaml(
        cfg.settings.elasticsearch.index_prefix, secured, username=USER,
        password=WRONG))
    result = run_cli("--config", str(root), "--store", secured.url, "search", "八马")
    assert result.returncode == 2
    assert "elasticsearch.username" in result.stderr
    assert WRONG not in result.stderr
    assert "Traceback" not in result.stderr


def test_an_untrusted_certificate_says_to_set_the_ca(secured: Secured, config: Config) -> None:
    cfg = es_settings(config, secured.url, username=USER,
                      password=SecretStr(PASSWORD))
    with pytest.raises(NotConfigured, match=r"TLS failed \(.*certificate.*\); if the cluster "
                                            r"has its own CA, set elasticsearch.ca_certs"):
        ElasticsearchStore(secured.url, cfg.settings)
    assert secured.headers == []  # nothing, credentials included, went to an unverified peer

