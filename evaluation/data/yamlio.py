"""Reads YAML the strict way: every scalar stays the text the committee wrote.

YAML 1.1 turns ``NO`` into ``False`` and ``007`` into ``7``; criterion and proposal ids must
survive as written, so scalars are read as strings (``yaml.BaseLoader``) and typed later by the
code that knows each field. The line of every value is kept for error messages.

Aliases (``*name``, repeating the value of an ``&name`` anchor) are refused: a file of a few
hundred bytes whose aliases nest ("billion laughs") would expand to gigabytes, and a model or
a tender file has no need of them. The parser shares an aliased node instead of copying it, so
the refusal comes at the first repeated node, before anything is expanded.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evaluation.common.errors import ProblemList

Path_ = tuple[str | int, ...]
_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass
class Document:
    """A parsed YAML file: plain data (str, list, dict, None) and the line of every path."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """Return the line of ``path`` or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def _compose(text: str) -> yaml.Node | None:
    """Parse with libyaml when PyYAML has it (about 15 times faster; every notebook kernel
    reads the model); a syntax error is parsed again by the pure-Python parser, whose
    messages and line numbers the committee sees. A text with a tab goes to the Python parser
    at once: libyaml accepts tabs as separators, so the file would be valid or not depending
    on how PyYAML was built."""
    fast = getattr(yaml, "CBaseLoader", None)
    if fast is not None and "\t" not in text:  # libyaml accepts tabs the Python parser refuses
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.BaseLoader)


def _convert(node: yaml.Node, path: Path_, lines: dict[Path_, int],
             seen: dict[int, Path_]) -> Any:
    if id(node) in seen:
        raise _Alias(path, seen[id(node)], node.start_mark.line + 1)
    seen[id(node)] = path
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        if not node.style and node.value in _NULLS:  # plain: None (Python) or "" (libyaml)
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), lines, seen) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in out:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            out[key] = _convert(value_node, (*path, key), lines, seen)
        return out
    raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover - yaml has 3 kinds


def unknown_key(key: str, known: Iterable[str]) -> str:
    """Return the message for an unknown key, suggesting the nearest known one if any."""
    near = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return f"unknown key, did you mean `{near[0]}`?" if near else "unknown key"


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        self.key, self.line = key, line


class _Alias(Exception):
    def __init__(self, path: Path_, first: Path_, line: int) -> None:
        self.path, self.first, self.line = path, first, line


def _name(path: Path_) -> str:
    return ".".join(str(p) for p in path) or "(top)"


def read_yaml(path: Path, problems: ProblemList, *, label: str | None = None) -> Document | None:
    """Return the parsed document, or ``None`` after recording why it cannot be read."""
    name = label or str(path)
    if not path.is_file():
        problems.add(name, "file", "missing file", found="nothing", expected="a YAML file")
        return None
    raw = path.read_bytes()
    if not raw.strip():
        problems.add(name, "file", "empty file", found=f"{len(raw)} bytes",
                     expected="a YAML mapping")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(name, "encoding", "not UTF-8; save the file as UTF-8",
                     found=f"byte 0x{raw[exc.start]:02x} at offset {exc.start}", expected="UTF-8")
        return None
    try:
        node = _compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(name, "syntax", f"not valid YAML: {getattr(exc, 'problem', exc)}",
                     line=None if mark is None else mark.line + 1)
        return None
    lines: dict[Path_, int] = {}
    try:
        data = _convert(node, (), lines, {}) if node is not None else None
    except _DuplicateKey as dup:
        problems.add(name, dup.key, "key given twice", line=dup.line)
        return None
    except _Alias as alias:
        problems.add(name, _name(alias.path), "YAML aliases (*name) are not accepted: write "
                     "the value out", line=lines.get(alias.path[:-1]),
                     found=f"an alias of the value of {_name(alias.first)} (line {alias.line})",
                     expected="plain values, no &anchors or *aliases")
        return None
    if not isinstance(data, dict):
        problems.add(name, "file", "the top level must be a mapping of fields",
                     found=type(data).__name__, expected="mapping")
        return None
    return Document(name, data, lines)
