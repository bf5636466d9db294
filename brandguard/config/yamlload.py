"""Safe YAML loading that remembers where every value came from.

PyYAML's `safe_load` loses line numbers and silently keeps the last of duplicate keys;
config errors must name file, line and field, so this composes the node tree once, records
the line of each path, and reports duplicate keys as problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from brandguard.errors import Problem

if TYPE_CHECKING:
    from pathlib import Path

PathKey = tuple[str | int, ...]


@dataclass
class LoadedYaml:
    """Parsed data plus a path -> line index for error messages."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: PathKey) -> int | None:
        """Line of the deepest known prefix of `path` (1-based)."""
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return None


def load_yaml(path: Path) -> LoadedYaml:
    """Load one YAML file; syntax errors become problems instead of exceptions."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedYaml(name, None, problems=[Problem(name, None, "", f"cannot read: {exc}")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return LoadedYaml(name, None, problems=[Problem(name, line, "", f"invalid YAML: {exc}")])
    loaded = LoadedYaml(name, data)
    if node is not None:
        _index(node, (), loaded)
    return loaded


def _index(node: yaml.Node, path: PathKey, out: LoadedYaml) -> None:
    out.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                out.problems.append(
                    Problem(out.file, key_node.start_mark.line + 1, _dotted((*path, key)),
                            "duplicate key")
                )
            seen.add(key)
            out.lines[(*path, key)] = key_node.start_mark.line + 1
            _index(value_node, (*path, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*path, i), out)


def _dotted(path: PathKey) -> str:
    parts: list[str] = []
    for p in path:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + p)
    return "".join(parts)


dotted = _dotted
