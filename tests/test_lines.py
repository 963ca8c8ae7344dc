"""JSON line finding: every key and list item gets the exact line it starts on.

The expected lines come from a writer that lays JSON out with random blanks and newlines
between all tokens and notes the line where each key and item begins, so the scan of
:func:`secid_rdf.read.located.parse_json` is checked against text whose layout it never saw.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secid_rdf.read.located import MAX_DEPTH, KeyPath, ParseError, parse_json


@dataclass(frozen=True)
class Pairs:
    """A JSON object written pair by pair, so that one key can appear twice."""

    pairs: tuple[tuple[str, object], ...]


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from('ab:,{}[]"\\\u00e9\u2028 \t'), max_size=6)
)
_keys = st.sampled_from(["a", "b", 'q"t', "c:d", "{x}", "\u00e9", ""])
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(st.tuples(_keys, inner), max_size=4).map(lambda p: Pairs(tuple(p)))
    ),
    max_leaves=20,
)
_blanks = st.sampled_from(["", " ", "\n", " \n\t", "\n\n  ", "\r\n"])


@dataclass
class _Writer:
    """Lay out a value as JSON with drawn blanks, noting the line of each key and item."""

    draw: st.DrawFn
    text: str = ""
    lines: dict[KeyPath, int] = field(default_factory=dict)
    duplicates: list[KeyPath] = field(default_factory=list)

    def blank(self) -> None:
        self.text += self.draw(_blanks)

    def mark(self, path: KeyPath) -> None:
        if isinstance(path[-1], str) and path in self.lines:
            self.duplicates.append(path)  # a repeated key, or a key under one
        self.lines[path] = self.text.count("\n") + 1

    def value(self, value: object, path: KeyPath) -> None:
        if isinstance(value, Pairs):
            self.text += "{"
            for index, (key, item) in enumerate(value.pairs):
                self.blank()
                if index:
                    self.text += ","
                    self.blank()
                self.mark((*path, key))
                self.text += json.dumps(key, ensure_ascii=self.draw(st.booleans()))
                self.blank()
                self.text += ":"
                self.blank()
                self.value(item, (*path, key))
            self.blank()
            self.text += "}"
        elif isinstance(value, list):
            self.text += "["
            for index, item in enumerate(value):
                self.blank()
                if index:
                    self.text += ","
                    self.blank()
                self.mark((*path, index))
                self.value(item, (*path, index))
            self.blank()
            self.text += "]"
        else:
            self.text += json.dumps(value, ensure_ascii=self.draw(st.booleans()))


@settings(max_examples=300, deadline=None)
@given(st.data(), _values)
def test_every_key_and_item_gets_the_line_it_starts_on(data: st.DataObject, value: object) -> None:
    writer = _Writer(data.draw)
    writer.blank()
    writer.value(value, ())
    writer.blank()
    parsed = parse_json(writer.text)
    assert parsed.value == json.loads(writer.text)
    assert parsed.lines == writer.lines
    assert parsed.duplicates == tuple(writer.duplicates)


def test_a_repeated_key_reports_its_whole_subtree_and_keeps_the_last_value() -> None:
    parsed = parse_json('{"a": {"b": 1},\n "a": {"b": [2]}}')
    assert parsed.value == {"a": {"b": [2]}}
    assert parsed.duplicates == (("a",), ("a", "b"))
    assert parsed.lines[("a",)] == parsed.lines[("a", "b", 0)] == 2


def test_too_deep_nesting_names_the_line_of_the_first_level_too_many() -> None:
    text = "[\n" * MAX_DEPTH + "{}" + "]" * MAX_DEPTH
    with pytest.raises(ParseError) as raised:
        parse_json(text)
    assert raised.value.line == MAX_DEPTH + 1
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH).lines[(0,) * (MAX_DEPTH - 1)] == 1


def test_long_trailing_blanks_and_brackets_are_read_quickly() -> None:
    text = "[" * 60 + "1" + "\n]" * 60 + " \n" * 1_000_000
    assert parse_json(text).lines[(0,) * 60] == 1
