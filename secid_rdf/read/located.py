"""Parse YAML and JSON into plain values plus the line of every key and list item.

Both parsers return a :class:`Parsed`: the value (dicts, lists, strings, numbers, booleans,
``None``) and ``lines``, a map from a key path such as ``("sources", "cve", "urls")`` or
``("match_nodes", 0, "children", 1)`` to the 1-based line where that key (or list item)
starts. Readers look lines up by path, so both formats locate facts the same way.

YAML is composed with PyYAML's safe loader (the C one when available) and never builds
Python objects from tags; JSON is decoded by :mod:`json` and a regex scan of the text finds lines.

Both are bounded: :data:`MAX_DEPTH` levels, :data:`MAX_ITEMS` items per list or mapping,
:data:`MAX_TEXT_LENGTH` characters per string, and every string (key or value) must be
Unicode text: no lone surrogate and no control character but tab, line feed and carriage
return (escapes such as ``"\\ud800"`` or ``"\\0"`` could otherwise smuggle them in). A
document that breaks a bound raises :class:`ParseError` with the line and key path.
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
    "MAX_ITEMS",
    "MAX_NODES",
    "MAX_TEXT_LENGTH",
    "KeyPath",
    "ParseError",
    "Parsed",
    "line_of",
    "parse_json",
    "parse_yaml",
    "text_problem",
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

MAX_ITEMS = 10_000
"""Most items in one list or mapping (real registry files have at most about 1,100)."""

MAX_TEXT_LENGTH = 1 << 20
"""Most characters in one string, key or value (1,048,576; real values stay under 2,000)."""

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
    """The text is not valid YAML/JSON, or is too deep or too large to read safely.

    ``path`` is the key path of the offending value when one is known (``None``: the
    document as a whole).
    """

    def __init__(self, message: str, line: int | None, path: KeyPath | None = None) -> None:
        self.message = message
        self.line = line
        self.path = path
        super().__init__(message)


_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
"""Code points no registry text may hold: C0 controls but tab, LF, CR, and surrogates."""


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a registry string, or ``None`` when it can.

    >>> text_problem("caf\\u00e9"), text_problem("x\\ud800")
    (None, 'a lone surrogate (U+D800) at character 2 is not Unicode text')
    """
    if len(text) > MAX_TEXT_LENGTH:
        return f"text is longer than {MAX_TEXT_LENGTH:,} characters"
    bad = _NOT_TEXT.search(text)
    if bad is None:
        return None
    code = ord(bad.group())
    kind = "a lone surrogate" if code >= 0xD800 else "a control character"
    return f"{kind} (U+{code:04X}) at character {bad.start() + 1} is not Unicode text"


def _check_texts(value: object, lines: dict[KeyPath, int], first_line: int) -> None:
    """Raise :class:`ParseError` at the first key or string value that is not registry text.

    Called only when the document could hold one (an escape, or a long text): the raw text
    is decoded UTF-8, which has no surrogates, and both parsers refuse raw control characters.
    """
    pending: list[tuple[object, KeyPath]] = [(value, ())]
    while pending:
        item, path = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem is not None:
                raise ParseError(problem, line_of(lines, path, first_line), path)
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = text_problem(key)
                if problem is not None:
                    shown = repr(key[:40] + ("..." if len(key) > 40 else ""))
                    line = line_of(lines, (*path, key), first_line)
                    raise ParseError(f"key {shown}: {problem}", line, path)
                pending.append((child, (*path, key)))
        elif isinstance(item, list):
            pending.extend((child, (*path, index)) for index, child in enumerate(item))


def line_of(lines: dict[KeyPath, int], path: KeyPath, first_line: int) -> int:
    """The line of ``path`` or of its nearest located ancestor (``first_line`` for the root)."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return first_line


def _too_many(count: int, line: int, path: KeyPath) -> ParseError:
    """The error for a list or mapping of more than :data:`MAX_ITEMS` items."""
    return ParseError(f"more than {MAX_ITEMS:,} items in one list or mapping", line, path)


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
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + first_line
        problem = f"character U+{error.character:04X} is not allowed in YAML ({error.reason})"
        raise ParseError(problem, line) from error
    except yaml.YAMLError as error:
        raise ParseError(f"YAML syntax error: {error}", first_line) from error
    finally:
        loader.dispose()
    if node is None:
        return Parsed(None, {})
    walker = _YamlWalker(loader, first_line)
    value = walker.value(node, (), 0)
    if "\\" in text or len(text) > MAX_TEXT_LENGTH:
        _check_texts(value, walker.lines, first_line)
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
        if isinstance(node, yaml.CollectionNode) and len(node.value) > MAX_ITEMS:
            raise _too_many(len(node.value), self.line(node), path)
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
        message = f"JSON nesting is deeper than {MAX_DEPTH} levels"
        raise ParseError(message, _too_deep_line(text)) from error
    except ValueError as error:
        raise ParseError(f"JSON syntax error: {error}", None) from error
    # trailing blanks and closing brackets start no key: not scanning them keeps the scan linear
    gaps = _JSON_GAP.findall(text, 0, len(text.rstrip(" \t\n\r]}")))
    walker = _JsonWalker(accumulate(map(str.count, gaps, repeat("\n")), initial=1))
    if type(value) is tuple or type(value) is list:
        value = walker.value(value, (), walker.next_line(), 0)
    if "\\u" in text or len(text) > MAX_TEXT_LENGTH:
        _check_texts(value, walker.lines, 1)
    return Parsed(value, walker.lines, tuple(walker.duplicates))


_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*+"|[\[{]|[\]}]')


def _too_deep_line(text: str) -> int | None:
    """The line where JSON text opens its level :data:`MAX_DEPTH` + 1 (strings skipped)."""
    depth = 0
    for token in _JSON_NESTING.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, token.start()) + 1
        elif bracket in "]}":
            depth -= 1
    return None


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
        if len(value) > MAX_ITEMS:
            raise _too_many(len(value), line, path)
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
