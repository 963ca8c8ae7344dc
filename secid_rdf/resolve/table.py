"""The resolution table: what a resolver needs of the graph, as plain typed values.

The shipped query ``resolve.rq`` selects the statements about namespaces and everything
below them; :func:`build_table` turns those statements into one :class:`Entry` tree per
namespace. Only properties are read, never the shape of an IRI, so the table is the same
whatever the IRI scheme of the export. Lists in a graph have no order, so children are
sorted by weight (highest first), then by SecID and IRI: the same graph gives the same
table on every run.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from secid_rdf.vocab import DCTERMS, RDF, SECID, SKOS

__all__ = [
    "TABLE_PREDICATES",
    "Entry",
    "MalformedAnswerError",
    "Regex",
    "Statement",
    "Table",
    "Template",
    "Variable",
    "build_table",
    "statements",
]

Statement = tuple[str, str, str, bool]
"""(subject IRI, predicate IRI, object value, object is an IRI) of one selected statement."""


@dataclass(frozen=True)
class Regex:
    """A registry pattern in the form the graph stores for engines other than Python.

    ``pattern`` is the XPath/Rust syntax of ``secido:xpathRegex``; ``flags`` the separate
    flags string (``i``, ``m``, ``s``).
    """

    pattern: str
    flags: str = ""


@dataclass(frozen=True)
class Template:
    """A URL template (or a fixed URL) an entry gives for the item it matched."""

    text: str
    content_type: str | None = None


@dataclass(frozen=True)
class Variable:
    """A declared placeholder: how its value is drawn from the matched text or a qualifier.

    ``lookup`` is the registry's ``lookup`` mode (``range_table``: the number extracted is
    looked up in the year table of the parent's notes); ``choices`` are the values a
    qualifier of the same name may take (``lang``).
    """

    name: str
    extract: Regex | None = None
    format: str | None = None
    default: str | None = None
    transform: str | None = None
    choices: tuple[str, ...] = ()
    lookup: str | None = None


@dataclass(frozen=True)
class Entry:
    """A namespace, source or match node, with what it matches and what it offers.

    ``patterns`` match the entry's own position (a source's name, a node's version or
    subpath); ``id_patterns`` match an item below it (Markdown ``id_pattern``; on a
    namespace they match the name). ``pages`` are the entry's own links (website, docs);
    ``templates`` its URL templates; ``known`` its lookup-table entries (key, URL).
    """

    iri: str
    secid: str | None = None
    name: str | None = None
    patterns: tuple[Regex, ...] = ()
    id_patterns: tuple[Regex, ...] = ()
    templates: tuple[Template, ...] = ()
    pages: tuple[Template, ...] = ()
    known: tuple[tuple[str, str], ...] = ()
    variables: tuple[Variable, ...] = ()
    notes: tuple[str, ...] = ()
    weight: int | None = None
    version_required: bool = False
    children: tuple[Entry, ...] = ()

    def variable(self, name: str) -> Variable | None:
        """The declared variable called ``name``, if any."""
        return next((v for v in self.variables if v.name == name), None)


@dataclass(frozen=True)
class Table:
    """Every namespace of the selected part of the graph, by type and namespace.

    ``namespaces[type][namespace]`` is the namespace entry; its children are its sources.
    """

    namespaces: Mapping[str, Mapping[str, Entry]] = field(default_factory=dict)

    def split(self, type_name: str, path: str) -> tuple[Entry | None, str, str]:
        """The longest namespace of ``type_name`` that is a ``/``-prefix of ``path``.

        :returns: (namespace entry or ``None``, the namespace, the rest after it).

        >>> table = Table({"advisory": {"a.org": Entry("urn:a"), "a.org/b": Entry("urn:b")}})
        >>> table.split("advisory", "a.org/b/c/d")[1:]
        ('a.org/b', 'c/d')
        """
        known = self.namespaces.get(type_name, {})
        candidate = path
        while candidate:
            entry = known.get(candidate)
            if entry is not None:
                return entry, candidate, path[len(candidate) + 1 :]
            candidate = candidate.rpartition("/")[0]
        return None, "", path

    def of_type(self, type_name: str) -> Iterator[tuple[str, Entry]]:
        """(namespace, entry) pairs of one type, in namespace order."""
        known = self.namespaces.get(type_name, {})
        for namespace in sorted(known):
            yield namespace, known[namespace]


class MalformedAnswerError(ValueError):
    """An answer to ``resolve.rq`` that the query cannot have given."""


def statements(result: object) -> list[Statement]:
    """The (s, p, o) rows of ``resolve.rq``'s answer, as plain strings.

    A store may send anything: a row without ``s``, ``p`` or ``o``, a subject or predicate
    that is no IRI, a value that is neither IRI nor literal, or an IRI holding a control
    character makes the whole answer malformed. (Literals may hold line breaks: notes do;
    a URL that holds one is dropped where the table reads it.)

    :raises MalformedAnswerError: saying which row is wrong.
    """
    if not isinstance(result, ox.QuerySolutions):
        raise MalformedAnswerError("not a SELECT answer")
    solutions = list(result)
    del result  # dropped on this thread (see secid_rdf.store.sparql._parse_results)
    rows = []
    for number, solution in enumerate(solutions, 1):
        subject, predicate, value = (solution[name] for name in ("s", "p", "o"))
        if subject is None or predicate is None or value is None:
            raise MalformedAnswerError(f"row {number} lacks s, p or o")
        if not isinstance(subject, ox.NamedNode) or not isinstance(predicate, ox.NamedNode):
            raise MalformedAnswerError(f"row {number}: s or p is not an IRI")
        if not isinstance(value, ox.NamedNode | ox.Literal):
            raise MalformedAnswerError(f"row {number}: o is not an IRI or a literal")
        if not all(
            _printable(term.value)
            for term in (subject, predicate, value)
            if isinstance(term, ox.NamedNode)
        ):
            raise MalformedAnswerError(f"row {number}: an IRI holds a control character")
        rows.append((subject.value, predicate.value, value.value, isinstance(value, ox.NamedNode)))
    return rows


def _printable(text: str) -> bool:
    """True when ``text`` has no control character (line breaks, tabs, NUL, C1)."""
    return not any(ord(char) < 32 or 127 <= ord(char) < 160 for char in text)


_TYPE = RDF.type.value
_NAMESPACE_CLASS = SECID.Namespace.value
_IDENTIFIER = DCTERMS.identifier.value
_PROPERTY = {
    name: getattr(SECID, name).value
    for name in (
        "hasSource",
        "hasChild",
        "matchPattern",
        "hasIdPattern",
        "hasLink",
        "hasUrlTemplate",
        "hasVariable",
        "hasKnownValue",
        "extra",
        "name",
        "weight",
        "versionRequired",
        "xpathRegex",
        "regexFlags",
        "template",
        "target",
        "contentType",
        "variableName",
        "extractXPath",
        "valueFormat",
        "defaultValue",
        "valueTransform",
        "allowedValue",
    )
}
_VALUE = RDF.value.value
_NOTE = SKOS.note.value

TABLE_PREDICATES = frozenset({_TYPE, _IDENTIFIER, _VALUE, _NOTE, *_PROPERTY.values()})
"""Every predicate :func:`build_table` reads (what ``resolve.rq`` selects): statements of
any other predicate can be left out of its rows."""


class _Graph:
    """Statements grouped by subject, then predicate."""

    def __init__(self, rows: Iterable[Statement]) -> None:
        self.by_subject: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for subject, predicate, value, _ in rows:
            self.by_subject[subject][predicate].append(value)

    def values(self, subject: str, name: str) -> list[str]:
        """Every value of one property (by SecID ontology name, or a full IRI)."""
        return sorted(self.by_subject.get(subject, {}).get(_PROPERTY.get(name, name), ()))

    def value(self, subject: str, name: str) -> str | None:
        """One value of a property (the least, for a stable choice), or ``None``."""
        found = self.values(subject, name)
        return found[0] if found else None


def build_table(rows: Iterable[Statement]) -> Table:
    """The resolution table of the statements selected by ``resolve.rq``.

    >>> ns = "urn:ns"
    >>> rows = [(ns, _TYPE, _NAMESPACE_CLASS, True),
    ...         (ns, _IDENTIFIER, "secid:advisory/a.org", False)]
    >>> build_table(rows).namespaces["advisory"]["a.org"].secid
    'secid:advisory/a.org'
    """
    graph = _Graph(rows)
    namespaces: dict[str, dict[str, Entry]] = defaultdict(dict)
    for subject, properties in graph.by_subject.items():
        if _NAMESPACE_CLASS not in properties.get(_TYPE, ()):
            continue
        secid = graph.value(subject, _IDENTIFIER)
        if secid is None or not secid.startswith("secid:") or "/" not in secid:
            continue
        type_name, _, namespace = secid.removeprefix("secid:").partition("/")
        namespaces[type_name][namespace] = _entry(graph, subject, "hasSource", depth=0)
    return Table({name: dict(found) for name, found in namespaces.items()})


_MAX_DEPTH = 16
"""Match trees deeper than this are cut: the registry nests at most three levels."""


def _entry(graph: _Graph, subject: str, child_property: str, *, depth: int) -> Entry:
    """One entry and, recursively, its children."""
    children: tuple[Entry, ...] = ()
    if depth < _MAX_DEPTH:
        children = tuple(
            sorted(
                (
                    _entry(graph, child, "hasChild", depth=depth + 1)
                    for child in graph.values(subject, child_property)
                ),
                key=lambda e: (-(e.weight or 0), e.secid or "", e.iri),
            )
        )
    weight = graph.value(subject, "weight")
    return Entry(
        iri=subject,
        secid=graph.value(subject, _IDENTIFIER),
        name=graph.value(subject, "name"),
        patterns=_regexes(graph, subject, "matchPattern"),
        id_patterns=_regexes(graph, subject, "hasIdPattern"),
        templates=_links(graph, subject, "hasUrlTemplate"),
        pages=_links(graph, subject, "hasLink"),
        known=tuple(
            sorted(
                (key, target)
                for known in graph.values(subject, "hasKnownValue")
                if (key := graph.value(known, _VALUE)) is not None
                and (target := graph.value(known, "target")) is not None
            )
        ),
        variables=tuple(_variable(graph, v) for v in graph.values(subject, "hasVariable")),
        notes=tuple(graph.values(subject, _NOTE)),
        weight=_integer(weight),
        version_required=graph.value(subject, "versionRequired") in {"true", "1"},
        children=children,
    )


def _integer(text: str | None) -> int | None:
    """An integer literal's value (``None`` when absent).

    :raises MalformedAnswerError: the value is no integer (the converter writes only
        ``xsd:integer`` weights, so only a foreign store can answer so).
    """
    if text is None:
        return None
    if not re.fullmatch(r"[+-]?[0-9]{1,18}", text):
        raise MalformedAnswerError(f"weight {text[:40]!r} is no integer")
    return int(text)


def _regexes(graph: _Graph, subject: str, name: str) -> tuple[Regex, ...]:
    """The patterns of one property, in their XPath form."""
    found = []
    for node in graph.values(subject, name):
        pattern = graph.value(node, "xpathRegex")
        if pattern is not None:
            found.append(Regex(pattern, graph.value(node, "regexFlags") or ""))
    return tuple(sorted(set(found), key=lambda r: (r.pattern, r.flags)))


def _links(graph: _Graph, subject: str, name: str) -> tuple[Template, ...]:
    """URL templates or links: their text (template, else target) and content type.

    A text holding a blank or a control character is no URL and is left out, so no answer
    line can be broken or faked by it.
    """
    found = []
    for node in graph.values(subject, name):
        text = graph.value(node, "template") or graph.value(node, "target")
        if text is not None and _printable(text) and not any(char.isspace() for char in text):
            found.append(Template(text, graph.value(node, "contentType")))
    return tuple(sorted(set(found), key=lambda t: (t.text, t.content_type or "")))


def _variable(graph: _Graph, subject: str) -> Variable:
    """A declared variable, with the registry's ``lookup`` mode read from its extra keys."""
    extract = graph.value(subject, "extractXPath")
    return Variable(
        name=graph.value(subject, "variableName") or "",
        extract=None
        if extract is None
        else Regex(extract, graph.value(subject, "regexFlags") or ""),
        format=graph.value(subject, "valueFormat"),
        default=graph.value(subject, "defaultValue"),
        transform=graph.value(subject, "valueTransform"),
        choices=tuple(graph.values(subject, "allowedValue")),
        lookup=_lookup_mode(graph, subject),
    )


def _lookup_mode(graph: _Graph, subject: str) -> str | None:
    """The ``lookup`` key kept among a variable's extra keys (``"range_table"``), if any.

    The kept keys are one ``rdf:JSON`` object from key path to value.
    """
    for extra in graph.values(subject, "extra"):
        decoded = _json(extra)
        if isinstance(decoded, dict):
            for path, value in sorted(decoded.items()):
                if path.rsplit(".", 1)[-1] == "lookup" and isinstance(value, str):
                    return value
    return None


def _json(text: str | None) -> object:
    """Decoded JSON text, or ``None`` when it is not JSON."""
    try:
        return None if text is None else json.loads(text)
    except ValueError:
        return None
