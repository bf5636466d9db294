"""Config defences: YAML is parsed safely and env references cannot reshape a document."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from brandguard.configuration.loader import load_config
from brandguard.errors import ConfigError
from tests.conftest import write_config

if TYPE_CHECKING:
    from pathlib import Path


def test_python_yaml_tags_are_refused_not_executed(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    root = write_config(tmp_path / "c", "organizations: !!python/object/apply:os.system "
                        f'["touch {sentinel}"]\nbrands: []\n')
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(root)
    assert not sentinel.exists()


def test_env_value_with_yaml_syntax_stays_a_string(tmp_path: Path) -> None:
    root = write_config(tmp_path / "c", settings='store: "${BG_EVIL}"\n')
    config = load_config(root, env={"BG_EVIL": "x\nallow_private_targets: ['0.0.0.0/0']"})
    assert config.settings.allow_private_targets == []
