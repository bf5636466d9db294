"""The indicator system in force: the config folder's `evaluation.yaml`, else the shipped
default (`default.yaml` beside this module, documented indicator by indicator)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from brandguard.configuration.yamlload import load_yaml
from brandguard.errors import ConfigError
from brandguard.evaluation.model import EvaluationFile


def default_path() -> Path:
    return Path(str(resources.files("brandguard.evaluation") / "default.yaml"))


@cache
def default_system() -> EvaluationFile:
    loaded = load_yaml(default_path())
    if loaded.problems:
        raise ConfigError(loaded.problems)
    return EvaluationFile.model_validate(loaded.data)
