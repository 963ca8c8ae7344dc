"""Parse YAML and JSON into plain values plus the line of every key and list item.

Both parsers return a :class:`Parsed`: the value (dicts, lists, strings, numbers, booleans,
``None``) and ``lines``, a map from a key path such as ``("sources", "cve", "urls")`` or
``("match_nodes", 0, "children", 1)`` to the 1-based line where that key (or list item)
starts. Readers look lines up by path, so both formats locate facts the same way.

YAML is composed with PyYAML's safe loader (the C one when available) and never builds
Python objects from tags; JSON is decoded by :mod:`json` and a regex scan of the text finds lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate, repeat
from typing import TypeAlias

import yaml

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "KeyPath",
    "ParseError",
    "Parsed",
    "parse_json",
    "parse_yaml",
]

_SafeLoader: TypeAlias = "yaml.CSafeLoader | yaml.SafeLoader"
"""PyYAML's safe loader, in C or in Python: the same API, but not one class."""

try:
    _YamlLoader: type[_SafeLoader] = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _YamlLoader = yaml.SafeLoader

MAX_DEPTH = 64
"""Deepest nesting of maps and lists accepted in one document."""

MAX_NODES = 200_000
"""Most YAML nodes one document may expand to (aliases are expanded while reading)."""

KeyPath = tuple[str | int, ...]
"""A path of keys and list indexes from a document's root."""

_YAML_STR = "tag:yaml.org,2002:str"
_YAML_CONSTRUCTED = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


@dataclass(frozen=True)
class Parsed:
    """A parsed document: its value and the line of each key path inside it.

    ``duplicates`` holds the paths of keys found twice in one mapping (the last value
    wins, as in PyYAML and :mod:`json`).
    """

    value: object
    lines: dict[KeyPath, int]
    duplicates: tuple[KeyPath, ...] = ()


class ParseError(Exception):
    """The text is not valid YAML/JSON, or is too deep or too large to read safely."""

    def __init__(self, message: str, line: int | None) -> None:
        self.message = message
        self.line = line
        super().__init__(message)


def parse_yaml(text: str, *, first_line: int = 1) -> Parsed:
    """Parse one YAML document safely, keeping the line of every key.

    Mapping keys become strings exactly as written (``27001:`` gives ``"27001"``), and
    timestamps stay the text that was written. ``first_line`` is the file line where the
    YAML text starts (frontmatter starts on line 2).

    :raises ParseError: on a syntax error, a non-scalar key, or too deep/large a document.

    >>> parsed = parse_yaml("sources:\\n  27001:\\n    versions: [2013, '2022']\\n")
    >>> parsed.value
    {'sources': {'27001': {'versions': [2013, '2022']}}}
    >>> parsed.lines[("sources", "27001", "versions")]
    3
    """
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + first_line
        raise ParseError(f"YAML syntax error: {_yaml_problem(error, first_line)}", line) from error
    except yaml.YAMLError as error:
        raise ParseError(f"YAML syntax error: {error}", first_line) from error
    finally:
        loader.dispose()
    if node is None:
        return Parsed(None, {})
    walker = _YamlWalker(loader, first_line)
    value = walker.value(node, (), 0)
    return Parsed(value, walker.lines, tuple(walker.duplicates))


def _yaml_problem(error: yaml.MarkedYAMLError, first_line: int) -> str:
    """PyYAML's problem, and where the construct it was reading started (without columns)."""
    problem = error.problem or "invalid YAML"
    if error.context and error.context_mark is not None:
        problem += f" ({error.context} started on line {error.context_mark.line + first_line})"
    return problem


class _YamlWalker:
    """Turn composed YAML nodes into plain values, recording lines and bounding size."""

    def __init__(self, loader: _SafeLoader, first_line: int) -> None:
        self.loader = loader
        self.first_line = first_line
        self.duplicates: list[KeyPath] = []
        self.lines: dict[KeyPath, int] = {}
        self.count = 0

    def line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + self.first_line

    def value(self, node: yaml.Node, path: KeyPath, depth: int) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise ParseError(
                f"YAML document expands to more than {MAX_NODES} nodes", self.line(node)
            )
        if depth > MAX_DEPTH:
            raise ParseError(f"YAML nesting is deeper than {MAX_DEPTH} levels", self.line(node))
        if isinstance(node, yaml.MappingNode):
            result: dict[str, object] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise ParseError("YAML mapping keys must be plain scalars", self.line(key_node))
                key = str(key_node.value)
                key_path = (*path, key)
                if key in result:
                    self.duplicates.append(key_path)
                self.lines[key_path] = self.line(key_node)
                result[key] = self.value(value_node, key_path, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            items: list[object] = []
            for index, item in enumerate(node.value):
                item_path = (*path, index)
                self.lines[item_path] = self.line(item)
                items.append(self.value(item, item_path, depth + 1))
            return items
        if node.tag in _YAML_CONSTRUCTED:
            return self.loader.construct_object(node)
        # str, timestamps and any other tag: the text as written; no object is built
        return node.value if node.tag == _YAML_STR else str(node.value)


_STRING = r'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
_VALUE = rf"{_STRING}|[^\s{{}}\[\],:\"]++|[{{\[]"
_JSON_GAP = re.compile(rf"((?:[\s,\]}}]++|:\s*+(?:{_VALUE}))*+)(?:{_VALUE})")
"""One key or list item (or the root value) and the gap before it. In valid JSON, keys and
items are the values not after a colon; what lies between them is blanks, commas, closing
brackets and ``: value`` (the value of the key before, or its opening bracket). Only the
gap is captured: its newlines give the line of what follows it."""


def parse_json(text: str) -> Parsed:
    """Parse a JSON document, keeping the line of every key and list item.

    :raises ParseError: on a syntax error or nesting deeper than :data:`MAX_DEPTH`.

    >>> parsed = parse_json('{\\n  "a": [\\n    {"b": 1},\\n    2\\n  ]\\n}')
    >>> parsed.lines[("a",)], parsed.lines[("a", 1)], parsed.lines[("a", 0, "b")]
    (2, 4, 3)
    """
    try:
        # objects as tuples of pairs, so that a repeated key is seen
        value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=tuple)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"JSON syntax error: {error.msg} (column {error.colno})", error.lineno
        ) from error
    except RecursionError as error:
        raise ParseError(f"JSON nesting is deeper than {MAX_DEPTH} levels", None) from error
    except ValueError as error:
        raise ParseError(f"JSON syntax error: {error}", None) from error
    # trailing blanks and closing brackets start no key: not scanning them keeps the scan linear
    gaps = _JSON_GAP.findall(text, 0, len(text.rstrip(" \t\n\r]}")))
    walker = _JsonWalker(accumulate(map(str.count, gaps, repeat("\n")), initial=1))
    if type(value) is tuple or type(value) is list:
        value = walker.value(value, (), walker.next_line(), 0)
    return Parsed(value, walker.lines, tuple(walker.duplicates))


def _reject_constant(name: str) -> object:
    """``NaN`` and ``Infinity`` are not JSON."""
    raise ValueError(f"{name} is not a JSON value")


class _JsonWalker:
    """Give each key and list item of decoded JSON the line of its turn in the text.

    Keys and items are visited in document order, the order the scan found them in, so the
    n-th one visited starts on the n-th line given. Objects arrive as tuples of pairs (every
    key, repeats included) and leave as dicts (the last value wins, as in :mod:`json`).
    """

    def __init__(self, lines: Iterable[int]) -> None:
        self.next_line = iter(lines).__next__
        self.next_line()  # the 1 the count starts from
        self.lines: dict[KeyPath, int] = {}
        self.duplicates: list[KeyPath] = []

    def value(
        self,
        value: list[object] | tuple[tuple[str, object], ...],
        path: KeyPath,
        line: int,
        depth: int,
    ) -> object:
        """A list or object (tuple of pairs) with its objects made dicts, recording lines."""
        if depth >= MAX_DEPTH:
            raise ParseError(f"JSON nesting is deeper than {MAX_DEPTH} levels", line)
        next_line = self.next_line
        lines = self.lines
        if isinstance(value, list):
            for index, item in enumerate(value):
                item_path = (*path, index)
                item_line = lines[item_path] = next_line()
                if type(item) is tuple or type(item) is list:
                    value[index] = self.value(item, item_path, item_line, depth + 1)
            return value
        result: dict[str, object] = {}
        for key, item in value:
            key_path = (*path, key)
            if key_path in lines:
                self.duplicates.append(key_path)
            key_line = lines[key_path] = next_line()
            if type(item) is tuple or type(item) is list:
                item = self.value(item, key_path, key_line, depth + 1)
            result[key] = item
        return result
