"""README documents every CLI verb, every setting and every lexicon key (datasette-style)."""

from __future__ import annotations

import click
import pytest
import yaml
from pydantic import BaseModel

from brandguard.cli.main import LazyGroup, cli
from brandguard.configuration.channels import Route
from brandguard.configuration.models import Lexicon, Settings
from brandguard.configuration.plugins import CHANNELS, names
from brandguard.configuration.rules import Rules
from brandguard.configuration.sources import Feed, JsonFields, Search, Selectors, Site
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def verbs(group: click.Group, prefix: str = "") -> list[str]:
    out = []
    if isinstance(group, LazyGroup):
        group.load_all()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out.extend(verbs(command, f"{prefix}{name} "))
        else:
            out.append(f"{prefix}{name}")
    return out


def keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) \
                and annotation is not Lexicon:
            out.extend(keys(annotation, f"{prefix}{name}."))
        else:
            out.append(f"{prefix}{name}")
    return out


@pytest.mark.parametrize("verb", verbs(cli))
def test_every_cli_verb_is_documented(verb: str) -> None:
    assert f"brandguard {verb}" in README


@pytest.mark.parametrize("key", keys(Settings))
def test_every_setting_is_documented(key: str) -> None:
    assert f"`{key}`" in README


@pytest.mark.parametrize("key", list(Rules.model_fields))
def test_every_rule_is_documented(key: str) -> None:
    assert f"`{key}`" in README


@pytest.mark.parametrize("key", list(Lexicon.model_fields))
def test_every_lexicon_key_is_documented(key: str) -> None:
    assert f"`{key}`" in README


def flatten(data: dict[str, object], prefix: str = "") -> list[str]:
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.extend(flatten(value, f"{prefix}{key}."))
        else:
            out.append(f"{prefix}{key}")
    return out


def test_example_settings_file_sets_only_documented_keys() -> None:
    data = yaml.safe_load((REPO / "config" / "settings.yaml").read_text(encoding="utf-8"))
    documented = set(keys(Settings))
    assert flatten(data)
    for key in flatten(data):
        assert key in documented, key
        assert f"`{key}`" in README, key


@pytest.mark.parametrize("channel_type", names(CHANNELS))
def test_every_channel_type_is_documented(channel_type: str) -> None:
    assert f"| `{channel_type}` |" in README


@pytest.mark.parametrize("key", list(Route.model_fields))
def test_every_route_key_is_documented(key: str) -> None:
    assert f"`{key}`" in README


@pytest.mark.parametrize("key", sorted({*Feed.model_fields, *Site.model_fields, *Search.model_fields,
                                         *Selectors.model_fields, *JsonFields.model_fields}))
def test_every_source_key_is_documented(key: str) -> None:
    assert f"`{key}`" in README


def test_the_help_summaries_are_the_commands_own() -> None:
    """`brandguard --help` lists verbs from a table so it need not import them all."""
    from brandguard.cli.main import SUMMARIES, VERBS, cli

    cli.load_all()  # type: ignore[attr-defined]
    assert set(SUMMARIES) == set(VERBS)
    for name, summary in SUMMARIES.items():
        assert cli.commands[name].get_short_help_str(limit=60) == summary, name
