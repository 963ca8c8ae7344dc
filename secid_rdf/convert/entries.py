"""Resources an owner points at: links, templates, variables, patterns, examples, versions.

Also the keys the model has no field for, kept so that nothing is lost.

:class:`EntryWriter` adds these writers to :class:`~secid_rdf.convert.writer.QuadWriter`;
the namespace and match-node walk in :mod:`secid_rdf.convert.builder` calls them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import quote, urlsplit

from pyoxigraph import Literal, NamedNode

from secid_rdf.convert.literals import date_literal
from secid_rdf.convert.writer import QuadWriter, is_absolute_iri
from secid_rdf.findings import InvalidIriError, Severity
from secid_rdf.iris import absolute_iri, status_iri, step_iri, url_kind_iri
from secid_rdf.model import Example, Extra, IdPattern, MatchNode, Url, Variable, Version
from secid_rdf.vocab import DCTERMS, FOAF, RDF, RDFS, SCHEMA, SECID, SKOS

__all__ = ["RULE_FOREIGN_EXAMPLE", "EntryWriter", "example_urls"]

RULE_FOREIGN_EXAMPLE = "convert-example"
"""An example whose SecID is another namespace's: it is named by its input under its owner.

Named by that SecID, it would describe a resource of another namespace (and, in an
export, land among another part's records)."""

_INSIDE = ("/", "#", "?", "@")
"""What may follow a namespace's IRI in the IRI of a SecID of that namespace."""


class EntryWriter(QuadWriter):
    """The writers for what an owner (namespace, source, match node) points at."""

    def links(self, owner: NamedNode, urls: tuple[Url, ...]) -> tuple[Url, ...]:
        """URL links and URL templates of an owner; returns the templates written.

        Only written templates give examples their URLs (:func:`example_urls`).
        """
        templates = []
        for url in urls:
            subject = step_iri(owner, "url", url.kind, url.value)
            if url.is_template:
                if self.is_kept_template(url.value, url.location, f"urls.{url.kind}"):
                    self.template(owner, subject, url)
                    templates.append(url)
                continue
            target = self.iri(url.value, url.location, f"urls.{url.kind}")
            if target is None:
                continue
            self.entry(owner, SECID.hasLink, subject, SECID.UrlLink, url.location)
            self.kind(subject, url)
            self.add(subject, SECID.target, target)
            self.url_details(subject, url)
            if url.kind == "website":
                # not foaf:homepage: it is inverse-functional, and namespaces share sites
                self.add(owner, FOAF.page, target)
                self.add(owner, SCHEMA.url, target)
        return tuple(templates)

    def kind(self, subject: NamedNode, url: Url) -> None:
        """The link kind, a concept of the open URL kind scheme (declared per namespace)."""
        self.add(subject, SECID.linkKind, url_kind_iri(url.kind))

    def url_details(self, subject: NamedNode, url: Url) -> None:
        """Note, content type and kept keys of a link or template."""
        self.text(subject, RDFS.comment, url.note)
        self.text(subject, SECID.contentType, url.content_type)
        self.extras(subject, url.extras)

    def template(
        self, owner: NamedNode, subject: NamedNode, url: Url, target: NamedNode | None = None
    ) -> None:
        """A resolution URL: a template literal with its placeholders, or a fixed IRI.

        The template is a literal, never an IRI; a JSON ``data.url`` with no placeholder
        gives a fixed ``target`` IRI instead.
        """
        self.entry(owner, SECID.hasUrlTemplate, subject, SECID.UrlTemplate, url.location)
        self.kind(subject, url)
        if target is None:
            self.add(subject, SECID.template, Literal(url.value))
            self.texts(subject, SECID.placeholder, url.placeholders)
        else:
            self.add(subject, SECID.target, target)
        self.url_details(subject, url)

    def resolution_url(self, owner: NamedNode, url: Url) -> None:
        """JSON ``data.url``: the node's resolution URL, a template or a fixed IRI."""
        subject = step_iri(owner, "template")
        if url.is_template:
            if self.is_kept_template(url.value, url.location, "data.url"):
                self.template(owner, subject, url)
            return
        target = self.iri(url.value, url.location, "data.url")
        if target is not None:
            self.template(owner, subject, url, target)

    def variable(self, node: NamedNode, variable: Variable) -> None:
        """A declared template variable, with its extract regex in both forms."""
        subject = step_iri(node, "var", variable.name)
        self.entry(node, SECID.hasVariable, subject, SECID.Variable, variable.location)
        self.add(subject, SECID.variableName, Literal(variable.name))
        if variable.extract is not None:
            self.regex(
                subject,
                (SECID.extractPattern, SECID.extractXPath),
                variable.extract,
                variable.location,
            )
        self.text(subject, SECID.valueFormat, variable.format)
        self.text(subject, DCTERMS.description, variable.description)
        self.extras(subject, variable.extras)

    # -- patterns, examples, versions, extras ----------------------------------------

    def patterns(
        self,
        owner: NamedNode,
        predicate: NamedNode,
        patterns: tuple[IdPattern, ...],
        step: str,
    ) -> None:
        """Id patterns (next position) or match patterns (own position), by their text."""
        for pattern in patterns:
            subject = step_iri(owner, step, pattern.regex)
            self.entry(owner, predicate, subject, SECID.IdPattern, pattern.location)
            self.regex(subject, (SECID.regex, SECID.xpathRegex), pattern.regex, pattern.location)
            self.text(subject, SECID.patternKind, pattern.kind)
            self.text(subject, DCTERMS.description, pattern.description)
            self.extras(subject, pattern.extras)

    def example(
        self,
        owner: NamedNode,
        example: Example,
        identifier: str | None,
        derived_urls: tuple[str, ...] = (),
    ) -> None:
        """An example as written, its SecID when known, and the URLs it resolves to.

        An example with a SecID of this namespace is the thing that SecID names; any other
        is named by its input under its owner.
        """
        subject = self.secid_or_none(identifier, example.location, "example")
        if subject is not None and not _inside(subject.value, self.scope):
            self.report(
                example.location,
                Severity.WARNING,
                RULE_FOREIGN_EXAMPLE,
                f"example {identifier} is a SecID of another namespace; named by its value here",
            )
            subject = None
        if subject is None:
            identifier = None
            subject = step_iri(owner, "example", example.value)
        self.entry(owner, SECID.hasExample, subject, SECID.Example, example.location)
        self.add(subject, SECID.exampleValue, Literal(example.value))
        self.text(subject, DCTERMS.identifier, identifier)
        if example.url is not None:
            url = self.iri(example.url, example.location, "example url")
            if url is not None:
                self.add(subject, SECID.exampleUrl, url)
        for derived in derived_urls:
            self.add(subject, SECID.exampleUrl, NamedNode(derived))
        self.text(subject, RDFS.comment, example.note)
        self.text(subject, SECID.exampleVersion, example.version)
        for name, value in example.variables:
            binding = step_iri(subject, "binding", name)
            where = example.location
            self.entry(subject, SECID.exampleBinding, binding, SECID.VariableBinding, where)
            self.add(binding, SECID.variableName, Literal(name))
            self.add(binding, RDF.value, Literal(value))
        self.extras(subject, example.extras)

    def versions(self, owner: NamedNode, node: MatchNode, source_secid: str | None) -> None:
        """Versions of a source or node, each named by its SecID or its value.

        A source with a SecID gives ``<source SecID>@<version>``, unless a child match node
        has that SecID (the node is the SecID's resource, with its own status vocabulary);
        other versions hang off their owner by value (a repeated value is one version).
        """
        children = {child.secid for child in node.children}
        for version in node.versions:
            identifier = None if source_secid is None else f"{source_secid}@{version.value}"
            if identifier in children:
                identifier = None
            subject = self.secid_or_none(identifier, version.location, "version")
            if subject is None:
                identifier = None
                subject = step_iri(owner, "version", version.value)
            self.version(owner, subject, version, identifier)

    def version(
        self, owner: NamedNode, subject: NamedNode, version: Version, identifier: str | None
    ) -> None:
        """One version, with its SecID when it has one."""
        self.entry(owner, SECID.hasVersion, subject, SECID.Version, version.location)
        self.add(subject, SECID.versionString, Literal(version.value))
        self.text(subject, DCTERMS.identifier, identifier)
        if version.status is not None:
            self.add(subject, SECID.status, status_iri(version.status))
        if version.release_date is not None:
            self.add(subject, DCTERMS.issued, date_literal(version.release_date))
        if version.url is not None:
            page = self.iri(version.url, version.location, "version url")
            if page is not None:
                self.add(subject, RDFS.seeAlso, page)
        self.text(subject, RDFS.comment, version.note)
        self.extras(subject, version.extras)

    def extras(self, owner: NamedNode, extras: tuple[Extra, ...]) -> None:
        """Keys the model has no field for, so nothing is lost.

        Each is mapped to a term where the meaning is clear (:meth:`mapped_extra`); the
        others are one ``rdf:JSON`` object on the owner, from key path to value. The path
        has no list positions (``match_nodes[].data.subtype``), so reordering a file does
        not change the literal; a path met twice on one owner keeps its concrete form.
        """
        kept: dict[str, object] = {}
        for extra in extras:
            if not self.mapped_extra(owner, extra):
                path = extra.path if extra.path not in kept else extra.location.field
                kept[path or extra.path] = json.loads(extra.value_json)
        if kept:
            text = json.dumps(kept, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            self.add(owner, SECID.extra, Literal(text, datatype=RDF.JSON))

    def mapped_extra(self, owner: NamedNode, extra: Extra) -> bool:
        """Write an extra key with its own term when one fits; False when none does.

        ``updated`` (a date) is ``dcterms:modified``; a ``url`` that is an absolute IRI is
        ``rdfs:seeAlso``; a ``lookup_table`` ``{value: {url, title}}`` gives one known value
        per entry with its ``secido:target`` page, and ``lang`` ``{available, default,
        url_transform}`` the ``{lang}`` variable with its choices: both are what a resolver
        needs where a template alone does not say it.
        """
        key = extra.path.rsplit(".", 1)[-1]
        value = json.loads(extra.value_json)
        if key == "updated" and isinstance(value, str) and _DATE.fullmatch(value):
            self.add(owner, DCTERMS.modified, date_literal(value))
        elif key == "url" and isinstance(value, str) and is_absolute_iri(value):
            self.add(owner, RDFS.seeAlso, absolute_iri(value))
        elif key == "lookup_table" and _is_lookup_table(value):
            for entry, item in value.items():
                known = step_iri(owner, "value", entry)
                self.entry(owner, SECID.hasKnownValue, known, SECID.KnownValue, extra.location)
                self.add(known, RDF.value, Literal(entry))
                self.add(known, SECID.target, absolute_iri(item["url"]))
                self.text(known, RDFS.label, item.get("title"))
                self.text(known, SKOS.prefLabel, item.get("title"))
        elif key == "lang" and _is_language_choice(value):
            variable = step_iri(owner, "var", "lang")
            self.entry(owner, SECID.hasVariable, variable, SECID.Variable, extra.location)
            self.add(variable, SECID.variableName, Literal("lang"))
            self.text(variable, SECID.defaultValue, value.get("default"))
            self.text(variable, SECID.valueTransform, value.get("url_transform"))
            self.texts(variable, SECID.allowedValue, value.get("available", ()))
        else:
            return False
        self.property_provenance.setdefault((owner.value, _EXTRA_TERMS[key].value), extra.location)
        return True


def example_urls(
    secid: str | None, example: Example, templates: tuple[Url, ...]
) -> tuple[str, ...]:
    """URLs a full-SecID example gets from its source's ``{id}``-only templates.

    Only ``<source SecID>#<subpath>`` examples qualify, and only templates whose scheme and
    host hold no placeholder, so the subpath can never change where the URL points.
    """
    if secid is None or not example.value.startswith(secid + "#"):
        return ()
    subpath = example.value[len(secid) + 1 :]
    urls = []
    for template in templates:
        parts = urlsplit(template.value)
        if template.placeholders != ("id",) or "{" in parts.scheme + parts.netloc:
            continue
        candidate = template.value.replace("{id}", quote(subpath, safe="-._~:@!$'()*+,;=/"))
        try:
            urls.append(absolute_iri(candidate).value)
        except InvalidIriError:
            continue
    return tuple(urls)


_EXTRA_TERMS: Mapping[str, NamedNode] = MappingProxyType(
    {
        "updated": DCTERMS.modified,
        "url": RDFS.seeAlso,
        "lookup_table": SECID.hasKnownValue,
        "lang": SECID.hasVariable,
    }
)
"""Extra keys with a clear term of their own (last key of the path → property)."""

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_lookup_table(value: object) -> bool:
    """True for ``{value: {"url": <absolute IRI>, "title"?: <text>}}`` and nothing else."""
    return isinstance(value, dict) and all(
        isinstance(item, dict)
        and set(item) <= {"url", "title"}
        and isinstance(item.get("url"), str)
        and is_absolute_iri(item["url"])
        and isinstance(item.get("title", ""), str)
        for item in value.values()
    )


def _is_language_choice(value: object) -> bool:
    """True for ``{available?: [text...], default?: text, url_transform?: text}``."""
    if not isinstance(value, dict) or not value or not set(value) <= _LANGUAGE_KEYS:
        return False
    available = value.get("available", [])
    return (
        isinstance(available, list)
        and all(isinstance(item, str) for item in available)
        and isinstance(value.get("default", ""), str)
        and isinstance(value.get("url_transform", ""), str)
    )


_LANGUAGE_KEYS = frozenset({"available", "default", "url_transform"})


def _inside(iri: str, scope: str) -> bool:
    """Whether ``iri`` names the namespace ``scope`` or something of it.

    >>> _inside("https://w3id.org/secid/advisory/a.org/cve#CVE-1", "https://w3id.org/secid/advisory/a.org")
    True
    >>> _inside("https://w3id.org/secid/advisory/a.org.uk/x", "https://w3id.org/secid/advisory/a.org")
    False
    """
    return iri.startswith(scope) and (len(iri) == len(scope) or iri[len(scope)] in _INSIDE)
