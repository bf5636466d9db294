"""Query parameters read by one model (brandguard.web.query_model) answer as FastAPI's own
per-parameter declaration does: same values, same 422s with the same error list.

The reference is a FastAPI route declared the ordinary way with the same constraints; both
routes run in one app, served by uvicorn on loopback, and are asked the same generated
query strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandguard.web.invalid import invalid_request
from brandguard.web.query_model import openapi_parameters, read_query
from brandguard.web.schemas import MentionsQuery, PolarityName
from brandguard.web.server import background

if TYPE_CHECKING:
    from collections.abc import Iterator


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/model", openapi_extra={"parameters": openapi_parameters(MentionsQuery)})
    async def by_model(request: Request) -> dict[str, Any]:
        return read_query(MentionsQuery, request).model_dump()

    @app.get("/declared")
    async def declared(
            q: Annotated[str | None, Query(max_length=200)] = None,
            brand: Annotated[list[str] | None, Query()] = None,
            since: Annotated[str | None, Query(max_length=64)] = None,
            until: Annotated[str | None, Query(max_length=64)] = None,
            polarity: PolarityName | None = None,
            category: Annotated[str | None, Query(max_length=100)] = None,
            source: Annotated[str | None, Query(max_length=200)] = None,
            kind: Annotated[str | None, Query(max_length=40)] = None,
            author: Annotated[str | None, Query(max_length=200)] = None,
            min_reach: Annotated[int | None, Query(ge=0)] = None,
            include_duplicates: bool = False,
            limit: Annotated[int, Query(ge=1, le=100)] = 20,
            offset: Annotated[int, Query(ge=0, le=10_000)] = 0) -> dict[str, Any]:
        return {"q": q, "brand": brand, "since": since, "until": until, "polarity": polarity,
                "category": category, "source": source, "kind": kind, "author": author,
                "min_reach": min_reach, "include_duplicates": include_duplicates,
                "limit": limit, "offset": offset}

    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]
    return app


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with background(_app()) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http


VALUES = st.one_of(st.sampled_from(["", "0", "1", "-1", "20", "100", "101", "10000", "10001",
                                    "true", "false", "yes", "abc", "negative", "angry",
                                    "2026-11-20T09:00:00", "7d", "八马茶业"]),
                   st.text(max_size=5), st.text(min_size=60, max_size=210))
NAMES = st.sampled_from(["q", "brand", "since", "until", "polarity", "category", "source",
                         "kind", "author", "min_reach", "include_duplicates", "limit",
                         "offset", "unknown"])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(NAMES, VALUES), max_size=6))
def test_the_model_reads_what_the_declared_parameters_read(
        client: httpx.Client, pairs: list[tuple[str, str]]) -> None:
    model = client.get("/model", params=pairs)
    declared = client.get("/declared", params=pairs)
    assert model.status_code == declared.status_code, pairs
    if declared.status_code == 200:
        assert model.json() == declared.json()
    else:
        errors = sorted(declared.json()["errors"], key=lambda e: e["loc"])
        assert sorted(model.json()["errors"], key=lambda e: e["loc"]) == errors
        assert model.json()["detail"] == declared.json()["detail"] or (
            sorted(model.json()["detail"].splitlines())
            == sorted(declared.json()["detail"].splitlines()))


def test_repeated_values_a_list_takes_all_and_a_scalar_the_last(client: httpx.Client) -> None:
    got = client.get("/model", params=[("brand", "a"), ("brand", "b"), ("limit", "5"),
                                       ("limit", "7")]).json()
    assert got["brand"] == ["a", "b"]
    assert got["limit"] == 7


def test_the_openapi_document_lists_every_parameter_with_its_constraints(
        client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    model = {p["name"]: p for p in spec["paths"]["/model"]["get"]["parameters"]}
    declared = {p["name"]: p for p in spec["paths"]["/declared"]["get"]["parameters"]}
    assert model.keys() == declared.keys()
    assert all(p["in"] == "query" and not p["required"] for p in model.values())
    assert model["limit"]["schema"]["maximum"] == 100
    assert model["limit"]["schema"]["minimum"] == 1
    for name, parameter in declared.items():  # the same types and constraints
        assert model[name]["schema"] == parameter["schema"], name
    assert "重复" in model["brand"]["description"]
