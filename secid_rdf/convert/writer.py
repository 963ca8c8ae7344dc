"""The collector every conversion writes through: quads, provenance, findings.

:class:`QuadWriter` holds what a conversion gathers (quads in the current type's named
graph, the registry location of each subject and property, findings about values left
out) and the small writers the model walk is built from. It knows no model class beyond
what locating a field needs.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad

from secid_rdf.convert.regex import UntranslatableRegexError, XPathRegex, python_to_xpath
from secid_rdf.findings import Finding, InvalidIriError, InvalidSecidError, Location, Severity
from secid_rdf.iris import (
    SCHEME_PATTERN,
    WEB_SCHEMES,
    absolute_iri,
    commit_iri,
    graph_iri,
    is_web_template,
    is_web_url,
    secid_iri,
)
from secid_rdf.vocab import RDF, SECID, SKOS

__all__ = [
    "RULE_INVALID_IRI",
    "RULE_INVALID_SECID",
    "RULE_UNTRANSLATABLE_REGEX",
    "Conversion",
    "ConvertedPart",
    "QuadWriter",
    "is_absolute_iri",
]

RULE_INVALID_IRI = "convert-iri"
"""A URL that is not an absolute IRI: kept percent-encoded when that is enough, else left out."""

RULE_INVALID_SECID = "convert-secid"
"""A name, example or version that makes a text the SecID grammar rejects; no SecID is kept."""

RULE_UNTRANSLATABLE_REGEX = "convert-regex"
"""A pattern with no XPath form; the original is kept, the XPath form is left out."""


@dataclass(frozen=True)
class Conversion:
    """The graph of a registry, and where each part of it came from.

    ``quads`` are sorted (N-Quads order of their text; unless asked not to be) and free of
    duplicates.
    ``provenance`` maps each subject IRI to the registry location it was read from;
    ``property_provenance`` maps ``(subject IRI, predicate IRI)`` to the location of the
    key that gave that property, where the reader recorded it (see
    :attr:`secid_rdf.model.Namespace.field_locations`). ``findings`` are the values left
    out or only partly written.
    """

    quads: tuple[Quad, ...]
    provenance: Mapping[str, Location]
    property_provenance: Mapping[tuple[str, str], Location]
    findings: tuple[Finding, ...]


class _Described(Protocol):
    """What namespaces and match nodes share: names, texts, status, links, patterns."""

    @property
    def official_name(self) -> str | None: ...
    @property
    def common_name(self) -> str | None: ...
    @property
    def alternate_names(self) -> tuple[str, ...]: ...
    @property
    def description(self) -> str | None: ...
    @property
    def notes(self) -> tuple[str, ...]: ...
    @property
    def prose(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def field_locations(self) -> tuple[tuple[str, Location], ...]: ...


@dataclass(frozen=True)
class ConvertedPart:
    """Part of a registry converted on its own (see :func:`convert_part`).

    ``quads`` are the quads about the part's own subjects, free of duplicates, in no
    particular order; ``concepts`` the open-vocabulary concepts (URL kinds, tags) they use,
    which other parts may declare too.
    """

    quads: list[Quad]
    concepts: list[Quad]
    findings: list[Finding]


class QuadWriter:
    """Collects quads, provenance and findings while walking the model once."""

    def __init__(self, base: str, commit: str | None) -> None:
        self.base = base
        self.commit = commit_iri(commit) if commit else None
        self.quads: list[Quad] = []
        self.concepts: list[Quad] = []
        self.chunks: list[list[tuple[str, Quad]]] = []
        self.provenance: dict[str, Location] = {}
        self.property_provenance: dict[tuple[str, str], Location] = {}
        self.findings: list[Finding] = []
        self.named: dict[str, Location] = {}  # IRIs of namespaces and match nodes so far
        self.scope = ""  # the IRI of the namespace being written
        self.graph = graph_iri("")  # set to the type's graph before any quad is added
        self.declared: set[tuple[NamedNode, NamedNode]] = set()
        self.translations: dict[str, XPathRegex | UntranslatableRegexError] = {}
        self.ordered = True  # whether :meth:`result` sorts the quads

    def close_chunk(self) -> None:
        """Sort and deduplicate the quads of one namespace (or of the types) on their own.

        Each quad's N-Quads text is computed once and kept as its sort key for the merge;
        chunks never share a quad (their subjects differ, concepts are declared once).
        Unordered, the quads stay where they are, for :meth:`result`.
        """
        if self.ordered:
            keyed = sorted({str(quad): quad for quad in self.quads}.items())
            self.chunks.append(keyed)
            self.quads = []

    def part(self) -> ConvertedPart:
        """What was collected, unsorted: for a part of an export."""
        return ConvertedPart(list(dict.fromkeys(self.quads)), self.concepts, self.findings)

    def result(self) -> Conversion:
        """Merge the sorted chunks (or take the quads as they came) and freeze it all."""
        return Conversion(
            quads=tuple(quad for _, quad in heapq.merge(*self.chunks))
            if self.ordered
            else tuple(dict.fromkeys(self.quads)),
            provenance=MappingProxyType(self.provenance),
            property_provenance=MappingProxyType(self.property_provenance),
            findings=tuple(self.findings),
        )

    # -- small writers ---------------------------------------------------------------

    def add(self, subject: NamedNode, predicate: NamedNode, obj: NamedNode | Literal) -> None:
        """One triple in the current type's graph."""
        self.quads.append(Quad(subject, predicate, obj, self.graph))

    def text(self, subject: NamedNode, predicate: NamedNode, value: str | None) -> None:
        """A plain string literal, when the value is there."""
        if value is not None:
            self.quads.append(Quad(subject, predicate, Literal(value), self.graph))

    def texts(self, subject: NamedNode, predicate: NamedNode, values: Iterable[str]) -> None:
        """One string literal per value."""
        for value in values:
            self.quads.append(Quad(subject, predicate, Literal(value), self.graph))

    def locate(self, subject: NamedNode, location: Location) -> None:
        """Remember where a subject came from (the first place wins)."""
        self.provenance.setdefault(subject.value, location)

    def locate_fields(
        self, subject: NamedNode, item: _Described, fields: Mapping[str, NamedNode]
    ) -> None:
        """Remember the key location of each property filled from a located model field."""
        for field, location in item.field_locations:
            predicate = fields.get(field)
            if predicate is not None:
                self.property_provenance.setdefault((subject.value, predicate.value), location)

    def entry(
        self,
        owner: NamedNode,
        link: NamedNode,
        subject: NamedNode,
        cls: NamedNode,
        location: Location,
    ) -> None:
        """A resource an owner points at: the link, its class and where it came from."""
        self.locate(subject, location)
        self.add(owner, link, subject)
        self.add(subject, RDF.type, cls)

    def report(self, location: Location, severity: Severity, rule: str, message: str) -> None:
        """Record a finding about a value that was not (fully) written."""
        self.findings.append(Finding(location, severity, rule, message))

    def iri(self, value: str, location: Location, what: str) -> NamedNode | None:
        """A registry URL as an IRI, or ``None`` and a finding.

        A URL that only needs some characters percent-encoded (``[`` as ``%5B``) is kept,
        encoded (what a browser sends for it), with a warning; anything else (no scheme,
        prose, a scheme that is not a web one such as ``javascript:``) is left out with an
        error.
        """
        if SCHEME_PATTERN.match(value) and not is_web_url(value):
            scheme = value.split(":", 1)[0]
            reason = f"{scheme}: is not one of {', '.join(sorted(WEB_SCHEMES))}"
            self.report_not_web(value, location, what, reason)
            return None
        try:
            return absolute_iri(value)
        except InvalidIriError as error:
            fixed = quote(value, safe=_IRI_SAFE)
            if fixed != value and is_absolute_iri(fixed):
                self.report(
                    location,
                    Severity.WARNING,
                    RULE_INVALID_IRI,
                    f"{what} {value!r} is not an absolute IRI ({error.reason}); kept "
                    f"percent-encoded as {fixed}: write it so in the registry",
                )
                return absolute_iri(fixed)
            self.report(
                location,
                Severity.ERROR,
                RULE_INVALID_IRI,
                f"{what} {value!r} is not an absolute IRI ({error.reason}); "
                "write a full URL such as https://example.org/",
            )
            return None

    def is_kept_template(self, value: str, location: Location, what: str) -> bool:
        """True for a URL template with a web scheme; else False and an error.

        A template is followed once filled in, so it obeys the rule of :meth:`iri`: one
        that is not a web URL stays out of the graph, and so do the URLs made from it.
        """
        if is_web_template(value):
            return True
        schemes = " or ".join(f"{scheme}://" for scheme in sorted(WEB_SCHEMES))
        self.report_not_web(value, location, what, f"a template must start with {schemes}")
        return False

    def report_not_web(self, value: str, location: Location, what: str, reason: str) -> None:
        """Report a URL or template left out because it would not lead to a web page."""
        self.report(
            location,
            Severity.ERROR,
            RULE_INVALID_IRI,
            f"{what} {value!r} is not a web URL ({reason}); left out",
        )

    def declare(
        self, concept: NamedNode, scheme: NamedNode, notation: str, label: str, where: Location
    ) -> None:
        """Declare an open-vocabulary concept once per graph."""
        if (self.graph, concept) in self.declared:
            return
        self.declared.add((self.graph, concept))
        self.locate(concept, where)
        for predicate, obj in (
            (RDF.type, SKOS.Concept),
            (SKOS.inScheme, scheme),
            (SKOS.notation, Literal(notation)),
            (SKOS.prefLabel, Literal(label)),
        ):
            self.concepts.append(Quad(concept, predicate, obj, self.graph))

    def secid_or_none(self, secid: str | None, location: Location, what: str) -> NamedNode | None:
        """The IRI of a SecID, or ``None`` (and a warning when the text is not a SecID)."""
        if secid is None:
            return None
        try:
            return secid_iri(self.base, secid)
        except InvalidSecidError as error:
            self.report(
                location, Severity.WARNING, RULE_INVALID_SECID, f"{what}: {error}; kept without it"
            )
            return None

    def translate(self, regex: str, location: Location) -> XPathRegex | None:
        """The XPath form of a registry regex (cached), or ``None`` and a finding."""
        translation = self.translations.get(regex)
        if translation is None:
            try:
                translation = python_to_xpath(regex)
            except UntranslatableRegexError as error:
                translation = error
            self.translations[regex] = translation
        if isinstance(translation, UntranslatableRegexError):
            self.report(location, Severity.WARNING, RULE_UNTRANSLATABLE_REGEX, str(translation))
            return None
        return translation

    def regex(
        self,
        subject: NamedNode,
        predicates: tuple[NamedNode, NamedNode],
        regex: str,
        location: Location,
    ) -> None:
        """A registry regex as written and, when it has one, its XPath form and flags.

        :param predicates: the predicate of the original and that of the XPath form.
        """
        original, translated = predicates
        self.add(subject, original, Literal(regex))
        xpath = self.translate(regex, location)
        if xpath is not None:
            self.add(subject, translated, Literal(xpath.pattern))
            self.add(subject, SECID.regexFlags, Literal(xpath.flags))


_IRI_SAFE = "!#$%&'()*+,-./:;=?@_~"
"""ASCII punctuation an IRI may hold as it is (RFC 3987 ``ipchar``, ``iquery``, ``ifragment``
and the delimiters); everything else is percent-encoded when suggesting a fix."""


def is_absolute_iri(text: str) -> bool:
    """True when ``text`` is an absolute IRI."""
    try:
        absolute_iri(text)
    except InvalidIriError:
        return False
    return True
