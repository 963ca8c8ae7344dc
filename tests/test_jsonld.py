"""The JSON writer: the standard encoder's canonical text, placeable at any depth.

Pages and the whole-graph document are written piece by piece; each piece must be the
text ``json.dumps(indent=2, sort_keys=True, ensure_ascii=False)`` would give in place.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secid_rdf.formats.jsonld import document_to_bytes, json_text

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)


def standard(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@settings(max_examples=100, deadline=None)
@given(value=JSON_VALUES, depth=st.integers(min_value=0, max_value=4))
def test_json_text_is_the_standard_text_indented_by_depth(value: object, depth: int) -> None:
    expected = standard(value).replace("\n", "\n" + "  " * depth)
    assert json_text(value, depth) == expected


@settings(max_examples=100, deadline=None)
@given(value=st.dictionaries(TEXT, JSON_VALUES, max_size=5))
def test_document_bytes_are_json_text_and_a_newline(value: dict[str, object]) -> None:
    assert document_to_bytes(value) == (json_text(value) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": {}, "b": [], "c": [[]]},
        "\x00\x1f\x7f \u2028\u2029 </script> é ✓ \U0001f600",
        {
            "q": 'quote " backslash \\ tab\t',
            "n": [0, -1, 2**63 - 1, -(2**63), 10**20, True, False, None],
        },
    ],
)
def test_json_text_edge_values(value: object) -> None:
    assert json_text(value) == standard(value)
    assert json_text(value, 3) == standard(value).replace("\n", "\n      ")


def test_every_character_is_escaped_as_the_standard_encoder_does() -> None:
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert json_text({text: [text]}, 1) == standard({text: [text]}).replace("\n", "\n  ")


def test_node_objects_join_into_the_document_graph() -> None:
    nodes = [{"@id": "b", "x": ["1", {"@id": "c"}]}, {"@id": "a"}]
    document = {"@context": "ctx", "@graph": nodes}
    pieces = ",\n    ".join(json_text(node, 2) for node in nodes)
    text = '{\n  "@context": "ctx",\n  "@graph": [\n    ' + pieces + "\n  ]\n}\n"
    assert text.encode("utf-8") == document_to_bytes(document)
