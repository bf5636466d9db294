"""Every /api/v1 route, from the OpenAPI document, × {own org, other org, no token, revoked
token}: another organisation's brands, documents and incidents answer 404 (like ids that
don't exist), lists never contain them, and writes to them change nothing."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.web.conftest import World

OWN, OTHER = "anxi-tea", "other-org"


def routes(world: World) -> list[tuple[str, str]]:
    spec = httpx.get(f"{world.url}/openapi.json", timeout=30).json()
    return [(method.upper(), path) for path, ops in spec["paths"].items()
            if path.startswith("/api/v1/") for method in ops]


def params_for(world: World, org: str) -> dict[str, str]:
    """Path parameter values naming objects that belong to `org`."""
    brand = {"anxi-tea": "bama", "other-org": "yixing"}[org]
    return {"brand_id": brand, "incident_id": world.incidents[org],
            "doc_id": world.documents[org], "step_id": "verify", "year": "2026",
            "measure_id": world.measures[org]}


def fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"route {path} has a path parameter this test does not know"
    return path


BODIES = {  # a valid body for each kind of write, so only scoping can refuse it
    "/values": {"indicator": "trademark_licensees", "value": "1", "by": "王秘书"},
    "/measures": {"text": "隔离测试", "owner": "秘书处", "due": "2026-12-31", "by": "王秘书"},
    "/dropped": {"indicator": "net_sentiment", "by": "王秘书"},
    "/decisions": {"member": "bama", "decision": "keep", "by": "王秘书"},
}


def call(client: httpx.Client, method: str, path: str) -> httpx.Response:
    if method == "GET":
        return client.get(path)
    body = next((b for end, b in BODIES.items() if path.endswith(end)),
                {"by": "王秘书", "note": "isolation test"})
    return client.request(method, path, json=body)


def test_the_openapi_document_lists_every_api_route(web_world: World) -> None:
    found = set(routes(web_world))
    for expected in [("GET", "/api/v1/brands"), ("GET", "/api/v1/mentions"),
                     ("GET", "/api/v1/incidents/{incident_id}"),
                     ("POST", "/api/v1/incidents/{incident_id}/checklist/{step_id}"),
                     ("GET", "/api/v1/brands/{brand_id}/timeseries"),
                     ("GET", "/api/v1/deliveries")]:
        assert expected in found
    assert len(found) >= 15


def test_no_token_and_a_revoked_token_get_401_everywhere(
        web_world: World, make_client: Callable[..., httpx.Client]) -> None:
    anonymous = make_client(org=None)
    revoked = make_client(token=web_world.revoked)
    forged = make_client(token="bg_" + "A" * 43)
    for method, template in routes(web_world):
        path = fill(template, params_for(web_world, OWN))
        for client in (anonymous, revoked, forged):
            response = call(client, method, path)
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["www-authenticate"] == "Bearer"


def test_another_organisations_objects_are_404_like_missing_ones(
        web_world: World, make_client: Callable[..., httpx.Client]) -> None:
    client = make_client(org=OWN)
    before = web_world.store().get_incident(web_world.incidents[OTHER])
    their_log = web_world.store().evaluation_entries(OTHER)
    checked = 0
    for method, template in routes(web_world):
        if "{" not in template:
            continue
        theirs = call(client, method, fill(template, params_for(web_world, OTHER)))
        missing = call(client, method, fill(template, {
            "brand_id": "no-such-brand", "incident_id": "no-such-incident",
            "doc_id": "no-such-doc", "step_id": "verify", "year": "2026",
            "measure_id": "M999999"}))
        assert theirs.status_code == 404, (method, template, theirs.text)
        assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())
        checked += 1
    assert checked >= 10
    after = web_world.store().get_incident(web_world.incidents[OTHER])
    assert after == before  # no write went through
    assert web_world.store().evaluation_entries(OTHER) == their_log


def test_own_objects_answer_200_on_every_read(
        web_world: World, make_client: Callable[..., httpx.Client]) -> None:
    client = make_client(org=OWN)
    for method, template in routes(web_world):
        if method != "GET":
            continue
        response = client.get(fill(template, params_for(web_world, OWN)))
        assert response.status_code == 200, (template, response.text)


def _mentions_other_org(payload: Any, world: World) -> list[str]:
    text = json.dumps(payload, ensure_ascii=False)
    secrets = ["yixing", "宜兴紫砂", world.incidents[OTHER], world.documents[OTHER], OTHER]
    return [s for s in secrets if s in text]


@pytest.mark.parametrize("path", [
    "/api/v1/brands", "/api/v1/mentions?limit=100", "/api/v1/mentions?q=抽检&limit=100",
    "/api/v1/mentions?polarity=negative&limit=100", "/api/v1/incidents",
    "/api/v1/mentions?category=quality_safety&limit=100", "/api/v1/deliveries", "/api/v1/me",
])
def test_lists_never_contain_another_organisations_data(
        path: str, web_world: World, make_client: Callable[..., httpx.Client]) -> None:
    response = make_client(org=OWN).get(path)
    assert response.status_code == 200
    assert _mentions_other_org(response.json(), web_world) == []
    theirs = make_client(org=OTHER).get(path)  # and the other way round: they see theirs
    assert theirs.status_code == 200
    if path != "/api/v1/deliveries":
        assert _mentions_other_org(theirs.json(), web_world) != []


@pytest.mark.parametrize("query", ["brand=yixing", "brand=bama&brand=yixing"])
def test_filtering_by_another_organisations_brand_is_404(
        query: str, make_client: Callable[..., httpx.Client]) -> None:
    client = make_client(org=OWN)
    assert client.get(f"/api/v1/mentions?{query}").status_code == 404
    assert client.get(f"/api/v1/incidents?{query}").status_code == 404
