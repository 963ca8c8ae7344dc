"""The typed registry model: one shape for both file formats.

The reader fills it; the converter reads it. It knows nothing of YAML, JSON or RDF.

Both formats meet in one tree:

- a Markdown ``sources:`` or ``names:`` entry and a JSON depth-0 ``match_nodes`` entry are a
  :class:`Source` (the *name* position of a SecID);
- JSON children (``@version``, ``#subpath``, ``@item_version``) are :class:`MatchNode`;
- Markdown ``id_pattern(s)`` sit on the source (they match the subpath), and its
  ``urls.lookup`` template is a :class:`Url` whose ``is_template`` is true.

Every object carries the :class:`~secid_rdf.findings.Location` it came from. Namespaces
and match nodes may also carry ``field_locations``: (model field name, location of the key
that filled it) pairs, e.g. ``("official_name", Location("reference/aisi.md", 4,
"full_name"))``, so a finding about one property can point at that key's line and name the
key as written (empty when unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from secid_rdf.findings import Finding, Location

__all__ = [
    "PLACEHOLDER_PATTERN",
    "Example",
    "Extra",
    "IdPattern",
    "MatchNode",
    "Namespace",
    "Registry",
    "SecidType",
    "Source",
    "Url",
    "Variable",
    "Version",
]

PLACEHOLDER_PATTERN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""A URL template placeholder: ``{id}``, ``{year}``, ``{item_version}``."""


@dataclass(frozen=True, kw_only=True)
class Extra:
    """A key the model does not know, kept verbatim so nothing is silently dropped.

    ``path`` is the generic key path (``sources.*.urls.lookup_note``,
    ``match_nodes[].data.parsability``) used for counting; ``location.field`` holds the
    concrete path. ``value_json`` is the value as canonical JSON (sorted keys).
    """

    path: str
    value_json: str
    location: Location


@dataclass(frozen=True, kw_only=True)
class Url:
    """A link (``website``, ``api``, ``lookup`` ...) or a URL template with placeholders."""

    kind: str
    value: str
    note: str | None = None
    content_type: str | None = None
    extras: tuple[Extra, ...] = ()
    location: Location

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholder names in order of first appearance, without duplicates."""
        return tuple(dict.fromkeys(PLACEHOLDER_PATTERN.findall(self.value)))

    @property
    def is_template(self) -> bool:
        """True when the value holds at least one ``{placeholder}``."""
        return bool(self.placeholders)


@dataclass(frozen=True, kw_only=True)
class IdPattern:
    """A regular expression as written in the registry (Python ``re`` syntax).

    ``regex`` is kept exactly; translation to XPath syntax is the converter's job.
    """

    regex: str
    description: str | None = None
    kind: str | None = None
    extras: tuple[Extra, ...] = ()
    location: Location


@dataclass(frozen=True, kw_only=True)
class Variable:
    """A declared URL-template variable: how to pull its value out of the matched text."""

    name: str
    extract: str | None = None
    format: str | None = None
    description: str | None = None
    extras: tuple[Extra, ...] = ()
    location: Location


@dataclass(frozen=True, kw_only=True)
class Example:
    """An example: a full SecID string (Markdown) or a bare input, maybe with its URL."""

    value: str
    url: str | None = None
    note: str | None = None
    version: str | None = None
    variables: tuple[tuple[str, str], ...] = ()
    extras: tuple[Extra, ...] = ()
    location: Location

    @property
    def is_secid(self) -> bool:
        """True when the example is a full ``secid:`` string rather than a bare input."""
        return self.value.startswith("secid:")


@dataclass(frozen=True, kw_only=True)
class Version:
    """A version of a source (``versions`` or ``versions_available``)."""

    value: str
    status: str | None = None
    release_date: str | None = None
    url: str | None = None
    note: str | None = None
    extras: tuple[Extra, ...] = ()
    location: Location


@dataclass(frozen=True, kw_only=True)
class MatchNode:
    """An entry of a match tree; also the base of :class:`Source`.

    ``patterns`` match this node's position (name, version, subpath or item version:
    the data does not say which). ``url_template`` is JSON ``data.url``.
    ``secid`` is the canonical SecID string of this node when one exists (a literal name,
    or a literal child under a literal name), else ``None``.
    """

    patterns: tuple[IdPattern, ...] = ()
    secid: str | None = None
    description: str | None = None
    weight: int | None = None
    official_name: str | None = None
    common_name: str | None = None
    alternate_names: tuple[str, ...] = ()
    long_description: str | None = None
    notes: tuple[str, ...] = ()
    prose: str | None = None
    status: str | None = None
    urls: tuple[Url, ...] = ()
    url_template: Url | None = None
    variables: tuple[Variable, ...] = ()
    id_patterns: tuple[IdPattern, ...] = ()
    examples: tuple[Example, ...] = ()
    versions: tuple[Version, ...] = ()
    version_required: bool | None = None
    unversioned_behavior: str | None = None
    deprecated_by: str | None = None
    deprecated_date: str | None = None
    cross_references: tuple[str, ...] = ()
    known_values: tuple[tuple[str, str], ...] = ()
    children: tuple[MatchNode, ...] = ()
    extras: tuple[Extra, ...] = ()
    field_locations: tuple[tuple[str, Location], ...] = ()
    location: Location


@dataclass(frozen=True, kw_only=True)
class Source(MatchNode):
    """A name-level entry: a Markdown ``sources``/``names`` key or a JSON depth-0 node.

    ``name`` is the literal name (``cve``, ``27001``); ``None`` when the node's pattern is a
    regex class (arXiv ids) rather than one literal name.
    """

    name: str | None = None


@dataclass(frozen=True, kw_only=True)
class Namespace:
    """One namespace of one type, merged from its Markdown and/or JSON file.

    ``files`` lists every file that contributed (JSON first when both exist). ``format`` is
    ``"json"``, ``"markdown"`` or ``"json+markdown"`` for twins.
    """

    type: str
    namespace: str
    files: tuple[str, ...]
    format: str
    status: str | None = None
    status_notes: str | None = None
    official_name: str | None = None
    common_name: str | None = None
    alternate_names: tuple[str, ...] = ()
    description: str | None = None
    notes: tuple[str, ...] = ()
    prose: str | None = None
    operator: str | None = None
    urls: tuple[Url, ...] = ()
    wikidata: tuple[str, ...] = ()
    wikipedia: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    established: int | None = None
    sources: tuple[Source, ...] = ()
    id_patterns: tuple[IdPattern, ...] = ()
    examples: tuple[Example, ...] = ()
    extras: tuple[Extra, ...] = ()
    field_locations: tuple[tuple[str, Location], ...] = ()
    location: Location

    @property
    def secid(self) -> str:
        """The namespace's canonical SecID, ``secid:<type>/<namespace>``."""
        return f"secid:{self.type}/{self.namespace}"

    def example_secid(self, example: Example) -> str:
        """What a namespace-level example names: itself, or a bare input under the namespace."""
        return example.value if example.is_secid else f"{self.secid}/{example.value}"

    def field_location(self, name: str) -> Location:
        """Where field ``name`` was read: its key's line when kept, else the namespace's.

        A finding about one field belongs at that key, in the file that wrote it (for a
        merged twin, the file whose value is used).
        """
        return dict(self.field_locations).get(name, self.location)


@dataclass(frozen=True, kw_only=True)
class SecidType:
    """A SecID type, with what its description file (``<type>.md``/``.json``) says."""

    name: str
    official_name: str | None = None
    description: str | None = None
    prose: str | None = None
    extras: tuple[Extra, ...] = ()
    location: Location | None = None


@dataclass(frozen=True, kw_only=True)
class Registry:
    """A whole registry: its types, its namespaces and the findings met while reading it.

    Namespaces are sorted by type, then namespace. ``commit`` is the git commit of the
    registry folder when it sits in a work tree; otherwise ``digest`` (``sha256:<hex>``)
    names the content of the files read, wherever the folder is. ``twins`` holds, for each
    namespace merged from a JSON file and its Markdown twin, both records as read, unmerged
    (what validation compares).
    """

    root: Path
    types: tuple[SecidType, ...]
    namespaces: tuple[Namespace, ...]
    findings: tuple[Finding, ...] = field(default=())
    commit: str | None = None
    digest: str | None = None
    twins: tuple[tuple[Namespace, Namespace], ...] = field(default=())
