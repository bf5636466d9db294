"""docker-compose.yml and the Dockerfile agree with the package and with README.

`.ci/run` also validates the compose file with the Compose client itself
(`docker compose config` or `docker-compose config`); these checks hold without one.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text("utf-8"))
SERVICES: dict[str, Any] = COMPOSE["services"]
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q -e ."


def test_the_stack_has_every_part_with_health_checks() -> None:
    assert set(SERVICES) == {"elasticsearch", "kibana", "mail", "worker", "web"}
    for name, service in SERVICES.items():
        assert "test" in service.get("healthcheck", {}), name
    assert SERVICES["worker"]["command"][:2] == ["brandguard", "run"]
    assert SERVICES["web"]["command"][:2] == ["brandguard", "serve"]
    assert SERVICES["worker"]["environment"]["BRANDGUARD_STORE"].startswith("http://")
    assert set(COMPOSE["volumes"]) >= {"esdata", "worker-data", "web-data"}


def test_elasticsearch_image_matches_the_client_major_version() -> None:
    tag = SERVICES["elasticsearch"]["image"].split(":")[1]
    assert tag.split(".")[0] == version("elasticsearch").split(".")[0]
    assert SERVICES["kibana"]["image"].split(":")[1] == tag


def test_published_ports_are_loopback_only_and_no_secret_is_inline() -> None:
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|TOKEN|WEBHOOK", key):
                assert re.fullmatch(r"\$\{[A-Z_]+(:-)?\}", str(value)), (name, key)


def test_dockerfile_installs_exactly_as_readme_says() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert INSTALL in readme
    runs = [line.removeprefix("RUN ").strip()
            for line in (REPO / "Dockerfile").read_text("utf-8").splitlines()
            if line.startswith("RUN ")]
    assert runs[0] == INSTALL
