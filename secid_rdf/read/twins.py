"""Merge a JSON namespace file and its Markdown twin into one :class:`Namespace`.

The rule (also in ``docs/reader.md``): the JSON file is the record. The Markdown twin
adds what the JSON leaves empty: ``operator``, the body prose, and any other field that is
absent, null or an empty list in the JSON. Markdown sources are matched to JSON match
nodes by literal name (ignoring case; name-level nodes first, then their children); a
match adds the same way, and a Markdown source no JSON node matches is kept as a source.
Keys neither format's model knows (extras) are kept from both files.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, TypeVar

from secid_rdf.findings import Location
from secid_rdf.model import MatchNode, Namespace, Source
from secid_rdf.read.json_file import node_literal

__all__ = ["merge_twins"]

_NAMESPACE_FIXED = {
    "type",
    "namespace",
    "files",
    "format",
    "sources",
    "extras",
    "field_locations",
    "location",
}
_NODE_FIXED = {
    "patterns",
    "secid",
    "children",
    "extras",
    "field_locations",
    "location",
    "name",
    "weight",
}

_Node = TypeVar("_Node", bound=MatchNode)


def merge_twins(record: Namespace, twin: Namespace) -> Namespace:
    """The JSON ``record`` completed from its Markdown ``twin``.

    >>> from secid_rdf.findings import Location
    >>> json_ns = Namespace(type="reference", namespace="aisi", files=("reference/aisi.json",),
    ...                     format="json", status="published",
    ...                     location=Location("reference/aisi.json", 3))
    >>> md_ns = Namespace(type="reference", namespace="aisi", files=("reference/aisi.md",),
    ...                   format="markdown", status="active", operator="secid:entity/aisi",
    ...                   location=Location("reference/aisi.md", 3))
    >>> merged = merge_twins(json_ns, md_ns)
    >>> merged.status, merged.operator, merged.format
    ('published', 'secid:entity/aisi', 'json+markdown')
    >>> merged.files
    ('reference/aisi.json', 'reference/aisi.md')
    """
    remaining = {_fold(source.name): source for source in twin.sources if source.name}
    remaining.update({f"\0{index}": s for index, s in enumerate(twin.sources) if not s.name})
    sources = _merge_nodes(record.sources, remaining)
    filled = _missing(record, twin, _NAMESPACE_FIXED)
    return replace(
        record,
        **filled,
        field_locations=_located(record, twin, filled),
        sources=sources + tuple(remaining.values()),
        files=record.files + twin.files,
        format="json+markdown",
        extras=record.extras + twin.extras,
    )


def _fold(name: str | None) -> str:
    """Names compare ignoring case (JSON name patterns are case-insensitive)."""
    return (name or "").casefold()


def _node_key(node: MatchNode) -> str | None:
    """The literal name a node matches, folded; ``None`` for regex-class nodes."""
    if isinstance(node, Source):
        return _fold(node.name) if node.name else None
    literal = node_literal(node.patterns)
    return _fold(literal) if literal is not None else None


def _merge_nodes(nodes: tuple[_Node, ...], remaining: dict[str, Source]) -> tuple[_Node, ...]:
    """Fill nodes from matching Markdown sources, one tree level at a time."""
    matched = [
        (node, remaining.pop(key, None) if (key := _node_key(node)) else None) for node in nodes
    ]
    merged: list[_Node] = []
    for node, source in matched:
        if source is not None:
            filled = _missing(node, source, _NODE_FIXED)
            node = replace(
                node,
                **filled,
                extras=node.extras + source.extras,
                field_locations=_located(node, source, filled),
            )
        if node.children:
            node = replace(node, children=_merge_nodes(node.children, remaining))
        merged.append(node)
    return tuple(merged)


def _missing(
    record: Namespace | MatchNode, twin: Namespace | MatchNode, fixed: set[str]
) -> dict[str, Any]:
    """Fields of ``record`` that are empty and that ``twin`` has, by field name.

    The values are of as many types as the model has fields, hence ``Any``: each one is
    passed back to :func:`dataclasses.replace` under the name of the field it came from.
    """
    result: dict[str, Any] = {}
    for field in fields(record):
        name = field.name
        if name in fixed or not hasattr(twin, name):
            continue
        if getattr(record, name) in (None, (), "") and getattr(twin, name) not in (None, (), ""):
            result[name] = getattr(twin, name)
    return result


def _located(
    record: Namespace | MatchNode, twin: Namespace | MatchNode, filled: dict[str, Any]
) -> tuple[tuple[str, Location], ...]:
    """The record's field locations plus the twin's for the fields it filled."""
    return record.field_locations + tuple(
        pair for pair in twin.field_locations if pair[0] in filled
    )
