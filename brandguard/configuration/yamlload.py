"""Safe YAML loading that remembers where every value came from.

PyYAML's `safe_load` loses line numbers and silently keeps the last of duplicate keys;
config errors must name file, line and field, so this composes the node tree once, records
the line of each path, and reports duplicate keys as problems.

Before anything is composed, the event stream (which PyYAML produces without recursion) is
measured: nesting deeper than `MAX_DEPTH` would exhaust the recursive composer, and aliases
that expand to more than `MAX_NODES` nodes (nine levels of x10 anchors, a "billion laughs")
would exhaust memory in every walk after it. Both are refused at once with the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from brandguard.errors import Problem

if TYPE_CHECKING:
    from pathlib import Path

PathKey = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it (the wheels are): the same events, nodes
# and marks, several times faster on a config with thousands of brands
FAST: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 64  # nested sequences and mappings
MAX_NODES = 1_000_000  # nodes once every alias is expanded


@dataclass
class LoadedYaml:
    """Parsed data plus a path -> line index for error messages."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: PathKey) -> int | None:
        """Line of the deepest known part of `path` (1-based). Parts the file does not
        have are skipped, not stopped at: a validator's path holds a union's tag
        (`channels[0].email.port`) that is no key in the file."""
        known: PathKey = ()
        for part in path:
            if (*known, part) in self.lines:
                known = (*known, part)
        return self.lines.get(known)


def load_yaml(path: Path) -> LoadedYaml:
    """Load one YAML file; syntax errors become problems instead of exceptions."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedYaml(name, None, problems=[Problem(name, None, "", f"cannot read: {exc}")])
    try:
        refused = _measure(text, name, FAST)
        if refused is not None:
            return LoadedYaml(name, None, problems=[refused])
        node, data = _compose(text, FAST)
    except yaml.YAMLError:
        # libyaml found a fault: the pure-Python parser reads it again, because its
        # messages and marks are the ones `_syntax_problem` turns into a sentence (and
        # its limits are ours: libyaml refuses deep nesting in words of its own)
        try:
            refused = _measure(text, name)
            if refused is not None:
                return LoadedYaml(name, None, problems=[refused])
            node, data = _compose(text, yaml.SafeLoader)
        except yaml.YAMLError as exc:
            return LoadedYaml(name, None, problems=[_syntax_problem(name, exc)])
    loaded = LoadedYaml(name, data)
    if node is not None:
        _index(node, (), loaded)
    return loaded


def _compose(text: str, loader_class: Any) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _measure(text: str, name: str, loader_class: Any = yaml.SafeLoader) -> Problem | None:
    """Depth and expanded size from the event stream; a Problem if over a limit."""
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = []  # [anchor, nodes so far] per open collection
    total = 0
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 1])
            if len(stack) > MAX_DEPTH:
                return Problem(name, _line(event), "", f"nested more than {MAX_DEPTH} levels deep")
            total += 1
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
            total += 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(str(event.anchor), 1)
            total += size
        else:
            continue
        if anchor is not None:
            sizes[str(anchor)] = size
        if stack:
            stack[-1][1] += size
        if total > MAX_NODES:
            return Problem(name, _line(event), "",
                           f"aliases expand to more than {MAX_NODES:,} values; refused "
                           "(a YAML bomb, or a file far larger than any configuration)")
    return None


def _line(event: yaml.Event) -> int | None:
    return event.start_mark.line + 1 if event.start_mark is not None else None


def _syntax_problem(name: str, exc: yaml.YAMLError) -> Problem:
    """PyYAML's error as one readable sentence, on the line a person would look at: a key
    without its colon, or a quote or bracket never closed, is reported where it begins, not
    on the line (past the end of the file) the scanner reached."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    at_end = "stream end" in problem or "end of stream" in problem
    if context_mark is not None and context and ("simple key" in context or at_end):
        mark = context_mark  # where the unfinished key, quote or bracket begins
    thing = (context or "").removeprefix("while parsing ").removeprefix("while scanning ")
    if at_end and mark is context_mark:
        message = f"invalid YAML: {thing} begins here and is never closed ({problem})"
    elif mark is context_mark:
        message = f"invalid YAML: {problem} (a key without its colon?)"
    else:
        message = f"invalid YAML: {problem}"
        if context and context_mark is not None:
            message += f" ({thing}, from line {context_mark.line + 1})"
    return Problem(name, mark.line + 1 if mark is not None else None, "", message)


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
