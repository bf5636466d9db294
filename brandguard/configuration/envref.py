"""Resolve `${ENV_VAR}` references on string leaves of parsed config.

Resolution happens after YAML parsing and only on string values, so a secret can never
change the structure of the document (the counter-example is expanding env vars over the
raw YAML text). A missing variable is a problem naming file and field.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from brandguard.configuration.yamlload import LoadedYaml, PathKey, dotted
from brandguard.errors import Problem

if TYPE_CHECKING:
    from collections.abc import Mapping

_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def resolve_env(loaded: LoadedYaml, env: Mapping[str, str] | None = None) -> Any:
    """Return a copy of `loaded.data` with references replaced; record missing ones."""
    environ = os.environ if env is None else env
    return _walk(loaded.data, (), loaded, environ)


def _walk(value: Any, path: PathKey, loaded: LoadedYaml, env: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, (*path, str(k)), loaded, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, (*path, i), loaded, env) for i, v in enumerate(value)]
    if isinstance(value, str) and "${" in value:
        return _substitute(value, path, loaded, env)
    return value


def _substitute(value: str, path: PathKey, loaded: LoadedYaml, env: Mapping[str, str]) -> str:
    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            loaded.problems.append(Problem(
                loaded.file, loaded.line_of(path), dotted(path),
                f"environment variable {name} is not set",
            ))
            return ""
        return env[name]

    return _REF.sub(repl, value)
