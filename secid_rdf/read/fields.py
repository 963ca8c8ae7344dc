"""Typed, located access to one parsed registry file, for both formats.

A :class:`FileContext` holds a file's line map and collects its findings. A
:class:`Fields` reads one mapping of that file: each getter checks the value's type,
reports a wrong type as ``PATH:LINE: error: FIELD: expected ..., found ...``, and
remembers the key, so that :meth:`Fields.extras` can keep every key nobody read.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from secid_rdf.findings import Finding, Location, Severity
from secid_rdf.model import Extra
from secid_rdf.read.located import KeyPath, line_of

__all__ = [
    "READ_RULE",
    "Fields",
    "FileContext",
    "Item",
    "describe",
    "format_path",
]

READ_RULE = "read"
"""The rule code of every finding the reader makes."""

_canonical_json = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str).encode
"""An extra's value as canonical JSON; made once, as ``json.dumps`` with options is not."""


def format_path(path: KeyPath) -> str:
    """Render a key path the way :attr:`Location.field` shows it.

    >>> format_path(("match_nodes", 0, "children", 1, "data", "url"))
    'match_nodes[0].children[1].data.url'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += "." + part
        else:
            text = part
    return text


_field_text = functools.lru_cache(maxsize=4096)(format_path)
""":func:`format_path` remembering recent paths: files of one registry repeat the same ones."""


def describe(value: object) -> str:
    """Name a value's type as a registry author would (for "expected X, found Y")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


@dataclass
class FileContext:
    """One file being read: where it is, the line of each key path, its findings."""

    file: str
    lines: dict[KeyPath, int]
    findings: list[Finding] = field(default_factory=list)
    first_line: int = 1
    root_field: str | None = None
    """The FIELD word for problems with the document as a whole (``json``, ``frontmatter``)."""
    located: dict[KeyPath, Location] = field(default_factory=dict)
    """Locations already made, shared by every object at one path."""

    def line(self, path: KeyPath) -> int:
        """The line of ``path``, or of its nearest located ancestor."""
        return line_of(self.lines, path, self.first_line)

    def location(self, path: KeyPath) -> Location:
        """The :class:`Location` of a key path (the root's field is :attr:`root_field`)."""
        found = self.located.get(path)
        if found is None:
            found = Location(self.file, self.line(path), _field_text(path) or self.root_field)
            self.located[path] = found
        return found

    def report(self, path: KeyPath, message: str, severity: Severity = Severity.ERROR) -> None:
        """Record a finding at ``path``."""
        self.findings.append(Finding(self.location(path), severity, READ_RULE, message))


class Item(NamedTuple):
    """One value inside a list or a user-keyed map, with its concrete and generic paths.

    A named tuple: one is made for every list item read, and tuples are the cheapest to make.
    """

    value: object
    path: KeyPath
    generic: str

    def fields(self, context: FileContext, what: str = "a mapping") -> Fields | None:
        """The item as :class:`Fields`, or ``None`` (and an error) when it is no mapping."""
        if isinstance(self.value, dict):
            return Fields(context, self.value, self.path, self.generic)
        context.report(self.path, f"expected {what}, found {describe(self.value)}")
        return None


class Fields:
    """One mapping of a registry file, read key by key.

    ``generic`` is the path used to group extras across files (``sources.*.urls``,
    ``match_nodes[].data``); ``path`` is the concrete path.
    """

    def __init__(
        self, context: FileContext, data: Mapping[str, object], path: KeyPath, generic: str
    ) -> None:
        self.context = context
        self.data = data
        self.path = path
        self.generic = generic
        self.used: set[str] = set()

    @property
    def location(self) -> Location:
        """Where this mapping is."""
        return self.context.location(self.path)

    def at(self, key: str | int) -> KeyPath:
        """The concrete path of one key of this mapping."""
        return (*self.path, key)

    def child_generic(self, key: str) -> str:
        """The generic path of one key of this mapping."""
        return f"{self.generic}.{key}" if self.generic else key

    def has(self, key: str) -> bool:
        """True when ``key`` is present (even with a null value)."""
        return key in self.data

    def raw(self, key: str) -> object:
        """The value as parsed, marking the key as read."""
        self.used.add(key)
        return self.data.get(key)

    def wrong(self, key: str, expected: str, value: object) -> None:
        """Report a value of the wrong type."""
        self.context.report(self.at(key), f"expected {expected}, found {describe(value)}")

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A string value. A number or boolean is reported and kept as its text."""
        self.used.add(key)  # as raw() does, without a call: the most read kind of value
        value = self.data.get(key)
        if isinstance(value, str):
            if required and not value.strip():
                self.context.report(self.at(key), "required field is empty")
            return value
        if value is None:
            if required:
                self.missing(key)
            return None
        self.wrong(key, "a string", value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, int | float) else None

    def missing(self, key: str) -> None:
        """Report a required key that is absent or null (located at the mapping)."""
        self.context.findings.append(
            Finding(
                Location(
                    self.context.file, self.context.line(self.path), format_path(self.at(key))
                ),
                Severity.ERROR,
                READ_RULE,
                "required field is missing",
            )
        )

    def integer(self, key: str) -> int | None:
        """An integer value (a boolean is not one)."""
        value = self.raw(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        self.wrong(key, "an integer", value)
        return None

    def boolean(self, key: str) -> bool | None:
        """A ``true``/``false`` value."""
        value = self.raw(key)
        if value is None or isinstance(value, bool):
            return value
        self.wrong(key, "true or false", value)
        return None

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings; a single string counts as a list of one."""
        value = self.raw(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            self.wrong(key, "a list of strings", value)
            return ()
        result = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                result.append(item)
            else:
                self.context.report(
                    (*self.at(key), index), f"expected a string, found {describe(item)}"
                )
        return tuple(result)

    def mapping(self, key: str, *, user_keys: bool = False) -> Fields | None:
        """A nested mapping as :class:`Fields` (``None`` when absent or null).

        ``user_keys`` marks maps whose keys are data (source names, variable names), so
        the generic path of their values uses ``*``.
        """
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.wrong(key, "a mapping", value)
            return None
        generic = self.child_generic(key) + (".*" if user_keys else "")
        return Fields(self.context, value, self.at(key), generic)

    def items(self, key: str) -> Iterator[Item]:
        """The items of a list value (a wrong type is reported, giving no items)."""
        value = self.raw(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.wrong(key, "a list", value)
            return
        generic = self.child_generic(key) + "[]"
        base = self.at(key)
        for index, item in enumerate(value):
            yield Item(item, (*base, index), generic)

    def entries(self) -> Iterator[Item]:
        """The values of a user-keyed map (made with ``user_keys=True``), key by key."""
        for key, value in self.data.items():
            self.used.add(key)
            yield Item(value, self.at(key), self.generic)

    def field_locations(
        self, keys: Mapping[str, str | tuple[str, ...]]
    ) -> tuple[tuple[str, Location], ...]:
        """``(model field, location of its key)`` for each model field whose key is present.

        ``keys`` maps a model field to the key (or keys, first present wins) that fills it.
        """
        data = self.data
        result = []
        for model_field, names in keys.items():
            for key in (names,) if isinstance(names, str) else names:
                if data.get(key) is not None:
                    result.append((model_field, self.context.location((*self.path, key))))
                    break
        return tuple(result)

    def extras(self) -> tuple[Extra, ...]:
        """Every key nobody read, kept with its value as canonical JSON."""
        if self.used.issuperset(self.data):
            return ()
        return tuple(
            Extra(
                path=self.child_generic(key),
                value_json=_canonical_json(value),
                location=self.context.location(self.at(key)),
            )
            for key, value in self.data.items()
            if key not in self.used
        )
