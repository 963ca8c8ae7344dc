"""Read one JSON namespace file (``schema_version`` 1.0) into a :class:`Namespace`.

Top-level ``match_nodes`` become :class:`Source` objects (they match the name); their
``children`` become :class:`MatchNode` objects, recursively, down to
:data:`MAX_MATCH_DEPTH`. ``data`` is open-ended: the keys the model knows are mapped, the
rest is kept as extras with generic paths such as ``match_nodes[].data.audit``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TypedDict

from secid_rdf.findings import Location, Severity
from secid_rdf.model import (
    Example,
    Extra,
    IdPattern,
    MatchNode,
    Namespace,
    Source,
    Url,
    Variable,
    Version,
)
from secid_rdf.read.fields import Fields, FileContext, Item
from secid_rdf.read.shared_objects import (
    read_example,
    read_id_pattern,
    read_identity,
    read_namespace_basics,
    read_note,
    read_url_object,
    read_variable,
    read_version,
)
from secid_rdf.secid import SecID, format_secid

__all__ = [
    "MAX_MATCH_DEPTH",
    "SCHEMA_VERSION",
    "literal_name",
    "namespace_from_json",
    "node_literal",
]

SCHEMA_VERSION = "1.0"
"""The JSON namespace schema version this reader knows."""

MAX_MATCH_DEPTH = 8
"""Deepest match-node level read (0 = name level); real registries reach 2."""

_NAMESPACE_KEYS: dict[str, str | tuple[str, ...]] = {
    key: key
    for key in (
        "status",
        "status_notes",
        "official_name",
        "common_name",
        "alternate_names",
        "description",
        "notes",
        "operator",
        "urls",
        "wikidata",
        "wikipedia",
        "tags",
        "established",
    )
}
_NAMESPACE_KEYS["sources"] = "match_nodes"
_NODE_KEYS: dict[str, str | tuple[str, ...]] = {
    "patterns": "patterns",
    "description": "description",
    "weight": "weight",
    "children": "children",
}
_DATA_KEYS: dict[str, str | tuple[str, ...]] = {
    "official_name": "official_name",
    "common_name": "common_name",
    "alternate_names": "alternate_names",
    "long_description": "description",
    "notes": ("notes", "note"),
    "status": "status",
    "urls": "urls",
    "url_template": "url",
    "variables": "variables",
    "examples": "examples",
    "versions": ("versions_available", "versions"),
    "version_required": "version_required",
    "unversioned_behavior": "unversioned_behavior",
    "deprecated_by": "deprecated_by",
    "deprecated_date": "deprecated_date",
    "cross_references": ("cross_references", "cross_reference"),
    "known_values": "known_values",
}
_INLINE_FLAGS = re.compile(r"\A\(\?[aiLmsux]+\)")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_VERSION_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_REGEX_SYNTAX = re.compile(r"[.^$*+?{}\[\]()|]|\\[A-Za-z0-9]")


def literal_name(regex: str) -> str | None:
    """The one string a pattern matches, when it is a plain anchored literal.

    Inline flags and the ``^``/``$`` anchors are dropped and escaped punctuation is
    unescaped; anything else with regex meaning makes the pattern a class, not a name.

    >>> literal_name(r"(?i)^cwe$"), literal_name(r"^802\\.11$"), literal_name(r"(?i)^csp-.+$")
    ('cwe', '802.11', None)
    """
    core = _INLINE_FLAGS.sub("", regex, count=1)
    core = core.removeprefix("^")
    if core.endswith("$") and not core.endswith("\\$"):
        core = core[:-1]
    if not core or _REGEX_SYNTAX.search(_ESCAPED.sub("", core)):
        return None
    return _ESCAPED.sub(r"\1", core)


def node_literal(patterns: tuple[IdPattern, ...]) -> str | None:
    """A node's literal name: its first pattern's, when that one is a plain literal.

    The first pattern names the node; later ones are aliases and may be regexes
    (``(?i)^log-sinks$`` then ``(?i)^log-routers?$``). A first pattern that is a regex class
    leaves the node nameless.
    """
    return literal_name(patterns[0].regex) if patterns else None


def namespace_from_json(value: object, context: FileContext) -> Namespace | None:
    """Build the namespace a JSON file describes; ``None`` when it lacks type or namespace."""
    item = Item(value, (), "")
    fields = item.fields(context, "a JSON object")
    if fields is None:
        return None
    schema_version = fields.text("schema_version")
    if schema_version is None:
        context.report(
            ("schema_version",), "required field is missing; read as 1.0", Severity.WARNING
        )
    elif schema_version != SCHEMA_VERSION:
        context.report(
            ("schema_version",),
            f"schema version {schema_version!r} is not {SCHEMA_VERSION!r}; read as 1.0",
            Severity.WARNING,
        )
    identity = read_identity(fields)
    if identity is None:
        return None
    type_name, namespace = identity
    official_name = fields.text("official_name", required=True)
    builder = _NodeReader(context, type_name, namespace)
    sources = tuple(
        node
        for node in (builder.node(entry, 0, None) for entry in fields.items("match_nodes"))
        if isinstance(node, Source)
    )
    return Namespace(
        **read_namespace_basics(fields, identity),
        format="json",
        official_name=official_name,
        notes=fields.texts("notes"),
        urls=_urls(fields, context),
        sources=sources,
        extras=fields.extras(),
        field_locations=fields.field_locations(_NAMESPACE_KEYS),
    )


def _urls(fields: Fields, context: FileContext) -> tuple[Url, ...]:
    """The ``urls`` list of URL objects."""
    return tuple(url for item in fields.items("urls") if (url := read_url_object(item, context)))


class _NodeReader:
    """Reads match nodes of one namespace, minting SecIDs for literal ones."""

    def __init__(self, context: FileContext, type_name: str, namespace: str) -> None:
        self.context = context
        self.type = type_name
        self.namespace = namespace

    def node(
        self,
        item: Item,
        depth: int,
        parent: SecID | None,
        parent_versions: frozenset[str] = frozenset(),
    ) -> MatchNode | None:
        """One match node and its subtree (a :class:`Source` at depth 0)."""
        context = self.context
        fields = item.fields(context)
        if fields is None:
            return None
        entries = tuple(fields.items("patterns"))
        patterns = tuple(
            pattern for entry in entries if (pattern := read_id_pattern(entry, context)) is not None
        )
        if not entries:  # a pattern that was given but not usable is reported already
            context.report(fields.at("patterns"), "a match node needs at least one pattern")
        literal = node_literal(patterns)
        data = fields.mapping("data")
        values, data_extras = _read_data(data, context) if data is not None else (_DataFields(), ())
        versions = values.get("versions", ())
        secid = self.secid(depth, parent, literal, parent_versions)
        children: tuple[MatchNode, ...] = ()
        if depth + 1 > MAX_MATCH_DEPTH and fields.has("children"):
            fields.raw("children")
            context.report(
                fields.at("children"),
                f"match tree is deeper than {MAX_MATCH_DEPTH} levels; deeper nodes are not read",
            )
        else:
            child_versions = frozenset(version.value for version in versions)
            children = tuple(
                child
                for entry in fields.items("children")
                if (child := self.node(entry, depth + 1, secid, child_versions)) is not None
            )
        own = _NodeFields(
            patterns=patterns,
            secid=format_secid(secid) if secid else None,
            description=fields.text("description"),
            weight=fields.integer("weight"),
            children=children,
            location=context.location(item.path),
            extras=fields.extras() + data_extras,
            field_locations=fields.field_locations(_NODE_KEYS)
            + (data.field_locations(_DATA_KEYS) if data else ()),
        )
        if depth == 0:
            return Source(name=literal, **values, **own)
        return MatchNode(**values, **own)

    def secid(
        self, depth: int, parent: SecID | None, literal: str | None, parent_versions: frozenset[str]
    ) -> SecID | None:
        """The SecID of a literal node under a literal parent.

        A child's position is not in the data. A literal child of a name is read as
        ``@version`` when the parent lists it among its versions, or lists no versions and
        the literal is a version number (``4.0``, ``2021``); any other literal is a
        ``#subpath``. Below a version a literal is a ``#subpath``, below a subpath an
        ``@item_version``.
        """
        if literal is None:
            return None
        if depth == 0:
            return SecID(type=self.type, namespace=self.namespace, name=literal)
        if parent is None:
            return None
        if parent.subpath is None:
            is_version = literal in parent_versions or (
                not parent_versions and _VERSION_NUMBER.fullmatch(literal) is not None
            )
            if parent.version is None and is_version:
                return replace(parent, version=literal)
            return replace(parent, subpath=literal)
        if parent.item_version is None:
            return replace(parent, item_version=literal)
        return None


class _NodeFields(TypedDict):
    """The :class:`MatchNode` fields a node's own keys fill (``data`` aside)."""

    patterns: tuple[IdPattern, ...]
    secid: str | None
    description: str | None
    weight: int | None
    children: tuple[MatchNode, ...]
    location: Location
    extras: tuple[Extra, ...]
    field_locations: tuple[tuple[str, Location], ...]


class _DataFields(TypedDict, total=False):
    """The :class:`MatchNode` fields a node's ``data`` mapping fills (none without one)."""

    official_name: str | None
    common_name: str | None
    alternate_names: tuple[str, ...]
    long_description: str | None
    notes: tuple[str, ...]
    status: str | None
    urls: tuple[Url, ...]
    url_template: Url | None
    variables: tuple[Variable, ...]
    examples: tuple[Example, ...]
    versions: tuple[Version, ...]
    version_required: bool | None
    unversioned_behavior: str | None
    deprecated_by: str | None
    deprecated_date: str | None
    cross_references: tuple[str, ...]
    known_values: tuple[tuple[str, str], ...]


def _read_data(data: Fields, context: FileContext) -> tuple[_DataFields, tuple[Extra, ...]]:
    """The model fields a match node's ``data`` mapping holds, and its unknown keys."""
    url_value = data.text("url")
    url_template = None
    if url_value is not None:
        url_template = Url(
            kind="lookup",
            value=url_value,
            content_type=data.text("content_type"),
            location=context.location(data.at("url")),
        )
    note = read_note(data)
    values: _DataFields = {
        "official_name": data.text("official_name"),
        "common_name": data.text("common_name"),
        "alternate_names": data.texts("alternate_names"),
        "long_description": data.text("description"),
        "notes": (note,) if note else (),
        "status": data.text("status"),
        "urls": _urls(data, context),
        "url_template": url_template,
        "variables": _variables(data, context),
        "examples": tuple(
            example for entry in data.items("examples") if (example := read_example(entry, context))
        ),
        "versions": tuple(
            version
            for key in ("versions_available", "versions")
            for entry in data.items(key)
            if (version := read_version(entry, context)) is not None
        ),
        "version_required": data.boolean("version_required"),
        "unversioned_behavior": data.text("unversioned_behavior"),
        "deprecated_by": data.text("deprecated_by"),
        "deprecated_date": data.text("deprecated_date"),
        "cross_references": data.texts("cross_references") + data.texts("cross_reference"),
        "known_values": _known_values(data),
    }
    return values, data.extras()


def _variables(data: Fields, context: FileContext) -> tuple[Variable, ...]:
    """``variables: {name: {extract, format?, description?}}``."""
    variables = data.mapping("variables", user_keys=True)
    if variables is None:
        return ()
    return tuple(
        variable
        for entry in variables.entries()
        if (variable := read_variable(str(entry.path[-1]), entry, context)) is not None
    )


def _known_values(data: Fields) -> tuple[tuple[str, str], ...]:
    """``known_values: {value: description}``."""
    known = data.mapping("known_values", user_keys=True)
    if known is None:
        return ()
    return tuple((key, text) for key in known.data if (text := known.text(key)) is not None)
