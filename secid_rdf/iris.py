"""Minting IRIs: the one place that turns registry keys into IRIs.

Rules (``q(s)`` is :func:`encode_segment`: UTF-8 percent-encoding that leaves only
``A-Z a-z 0-9 - . _ ~`` raw):

- type ``<base><q(type)>``; namespace ``<base><q(type)>/<q(namespace)>`` (a ``/`` inside
  the namespace becomes ``%2F``, so namespace ``github.com/advisories`` never meets source
  ``advisories`` of ``github.com``); source with a literal name ``<namespace>/<q(name)>``;
- everything without a SecID of its own hangs off its owner with ``;key=value`` steps
  (``;node=0``, ``;url=1``, ``;template``, ``;var=id``, ``;match=0``, ``;pattern=0``,
  ``;example=2``, ``;version=2.0``, ``;value=...``, ``;extra=0``, ``;ref=...``). ``;`` and
  ``=`` never appear raw in an encoded segment, so these steps cannot be confused with a
  SecID-derived path.

Two different keys never give the same IRI, and every IRI minted here is valid (RFC 3987),
whatever the registry text holds. Nothing people point at is a blank node.
"""

from __future__ import annotations

import re
from collections.abc import Container

from pyoxigraph import NamedNode

from secid_rdf.findings import InvalidIriError, InvalidSecidError
from secid_rdf.vocab import SECID, SECID_NAMESPACE

__all__ = [
    "DATASET_GRAPH_IRI",
    "DEFAULT_BASE",
    "GRAPH_NAMESPACE",
    "absolute_iri",
    "binding_iri",
    "check_base",
    "commit_iri",
    "encode_segment",
    "example_iri",
    "extra_iri",
    "graph_iri",
    "known_value_iri",
    "match_iri",
    "namespace_iri",
    "node_iri",
    "pattern_iri",
    "secid_to_iri",
    "source_iri",
    "status_iri",
    "tag_iri",
    "template_iri",
    "type_iri",
    "url_iri",
    "url_kind_iri",
    "variable_iri",
    "version_iri",
]

DEFAULT_BASE = "https://w3id.org/secid/id/"
"""Where data IRIs live unless ``--base`` says otherwise: ``<base><type>/<namespace>/<name>``."""

GRAPH_NAMESPACE = "https://w3id.org/secid/graph/"
"""Named graphs: ``<GRAPH_NAMESPACE><type>`` holds the triples of one SecID type."""

DATASET_GRAPH_IRI = NamedNode(GRAPH_NAMESPACE + "void")
"""The named graph of the dataset description (VoID and DCAT)."""

SCHEME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
"""An IRI scheme, RFC 3986 section 3.1: ``scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )``
followed by ``:`` (https://www.rfc-editor.org/rfc/rfc3986#section-3.1)."""

_COMMIT_PATTERN = re.compile(r"[0-9a-f]{40}")
_REFERENCE_END = re.compile(r"[@?#]")


_UNRESERVED_OR_NOT = re.compile(r"[^A-Za-z0-9_.~-]+")
"""A run of characters that RFC 3986 does not leave unreserved."""


def _encode_run(run: re.Match[str]) -> str:
    """Percent-encode a run of characters as UTF-8 bytes, in one pass of C code.

    ``urllib.parse.quote`` looks up every byte in Python (0.3 s per million characters);
    a registry value may hold a million.
    """
    return "%" + run.group().encode("utf-8").hex("%").upper()


def encode_segment(text: str) -> str:
    """Percent-encode ``text`` (as UTF-8) so it is one opaque IRI segment.

    Only the RFC 3986 unreserved characters stay raw; ``/ ; = , ! # @ ? %`` and every
    non-ASCII character are encoded, so decoding gives the text back exactly. A segment
    that is only ``.`` or ``..`` is encoded too, so no IRI resolution can remove it.

    >>> encode_segment("github.com/advisories")
    'github.com%2Fadvisories'
    >>> encode_segment("AC-2(1) §3")
    'AC-2%281%29%20%C2%A73'
    >>> encode_segment("..")
    '%2E%2E'
    """
    encoded = _UNRESERVED_OR_NOT.sub(_encode_run, text)
    # "." and ".." are dot-segments: IRI resolution would remove them (RFC 3986 5.2.4)
    return encoded.replace(".", "%2E") if encoded in {".", ".."} else encoded


def check_base(base: str) -> str:
    """Check that ``base`` can prefix data IRIs and return it.

    :param base: an absolute IRI ending in ``/`` or ``#``.
    :returns: ``base`` unchanged.
    :raises InvalidIriError: when it is not absolute, not a valid IRI, or does not end in
        ``/`` or ``#``.

    >>> check_base("https://example.org/secid/")
    'https://example.org/secid/'
    >>> check_base("https://example.org/secid")
    Traceback (most recent call last):
    ...
    secid_rdf.findings.InvalidIriError: not a valid absolute IRI: 'https://example.org/secid': \
a base IRI must end with '/' or '#'
    """
    absolute_iri(base)
    if not base.endswith(("/", "#")):
        raise InvalidIriError(base, "a base IRI must end with '/' or '#'")
    return base


def absolute_iri(value: str) -> NamedNode:
    """Turn a URL from the registry into an IRI node, or say why it is not one.

    :param value: the text as written in the registry.
    :returns: the IRI.
    :raises InvalidIriError: when the text has no scheme or is not a valid RFC 3987 IRI
        (spaces, ``{placeholders}``, bad percent-escapes, ...).

    >>> absolute_iri("https://www.cve.org/").value
    'https://www.cve.org/'
    >>> absolute_iri("see the website")
    Traceback (most recent call last):
    ...
    secid_rdf.findings.InvalidIriError: not a valid absolute IRI: 'see the website': no scheme \
(expected e.g. 'https:')
    """
    if not SCHEME_PATTERN.match(value):
        raise InvalidIriError(value, "no scheme (expected e.g. 'https:')")
    try:
        return NamedNode(value)
    except ValueError as error:
        raise InvalidIriError(value, str(error)) from None


def graph_iri(type_name: str) -> NamedNode:
    """The named graph holding the triples of one SecID type.

    >>> graph_iri("advisory").value
    'https://w3id.org/secid/graph/advisory'
    """
    return NamedNode(GRAPH_NAMESPACE + encode_segment(type_name))


def type_iri(base: str, type_name: str) -> NamedNode:
    """The SecID type as a resource (a ``secid:SecidType`` and SKOS concept).

    >>> type_iri(DEFAULT_BASE, "advisory").value
    'https://w3id.org/secid/id/advisory'
    """
    return NamedNode(base + encode_segment(type_name))


def namespace_iri(base: str, type_name: str, namespace: str) -> NamedNode:
    """The namespace ``secid:<type>/<namespace>``.

    >>> namespace_iri(DEFAULT_BASE, "advisory", "github.com/advisories").value
    'https://w3id.org/secid/id/advisory/github.com%2Fadvisories'
    """
    return NamedNode(f"{base}{encode_segment(type_name)}/{encode_segment(namespace)}")


def source_iri(namespace: NamedNode, name: str) -> NamedNode:
    """The source ``secid:<type>/<namespace>/<name>`` (a literal name).

    >>> ns = namespace_iri(DEFAULT_BASE, "advisory", "cert.org")
    >>> source_iri(ns, "VU#").value
    'https://w3id.org/secid/id/advisory/cert.org/VU%23'
    """
    return NamedNode(f"{namespace.value}/{encode_segment(name)}")


def _step(owner: NamedNode, key: str, value: str | int | None = None) -> NamedNode:
    """``<owner>;key`` or ``<owner>;key=value`` (the value already safe)."""
    suffix = f";{key}" if value is None else f";{key}={value}"
    return NamedNode(owner.value + suffix)


def node_iri(parent: NamedNode, index: int) -> NamedNode:
    """A match node by its position under its parent (a regex-named source, or a child).

    >>> node_iri(NamedNode("https://w3id.org/secid/id/reference/arxiv.org"), 0).value
    'https://w3id.org/secid/id/reference/arxiv.org;node=0'
    """
    return _step(parent, "node", index)


def url_iri(owner: NamedNode, index: int) -> NamedNode:
    """The ``index``-th URL link of a namespace, source or node."""
    return _step(owner, "url", index)


def template_iri(owner: NamedNode) -> NamedNode:
    """The URL template of a source or node (there is at most one)."""
    return _step(owner, "template")


def variable_iri(node: NamedNode, name: str) -> NamedNode:
    """A template variable declared on a source or node, by name (all its templates use it)."""
    return _step(node, "var", encode_segment(name))


def pattern_iri(owner: NamedNode, index: int) -> NamedNode:
    """The ``index``-th id pattern of a namespace or source (it matches the next position)."""
    return _step(owner, "pattern", index)


def match_iri(node: NamedNode, index: int) -> NamedNode:
    """The ``index``-th pattern a source or node matches its own position with."""
    return _step(node, "match", index)


def example_iri(owner: NamedNode, index: int) -> NamedNode:
    """The ``index``-th example of a namespace, source or node."""
    return _step(owner, "example", index)


def binding_iri(example: NamedNode, name: str) -> NamedNode:
    """The value an example gives one template variable, by variable name."""
    return _step(example, "var", encode_segment(name))


def version_iri(owner: NamedNode, version: str, occurrence: int = 0) -> NamedNode:
    """A version of a source or node; ``occurrence`` > 0 tells repeated values apart.

    >>> src = NamedNode("https://w3id.org/secid/id/control/iso.org/27001")
    >>> version_iri(src, "2022").value
    'https://w3id.org/secid/id/control/iso.org/27001;version=2022'
    >>> version_iri(src, "2022", 1).value
    'https://w3id.org/secid/id/control/iso.org/27001;version=2022,1'
    """
    value = encode_segment(version)
    return _step(owner, "version", f"{value},{occurrence}" if occurrence else value)


def known_value_iri(owner: NamedNode, value: str) -> NamedNode:
    """One entry of a node's ``known_values`` table, by its value."""
    return _step(owner, "value", encode_segment(value))


def extra_iri(owner: NamedNode, index: int) -> NamedNode:
    """The ``index``-th kept extra key of a resource."""
    return _step(owner, "extra", index)


def status_iri(status: str) -> NamedNode:
    """The status concept ``secid:status-<status>``; undeclared values still get an IRI.

    >>> status_iri("active").value
    'https://w3id.org/secid/ontology#status-active'
    >>> status_iri("in review").value
    'https://w3id.org/secid/ontology#status-in%20review'
    """
    name = f"status-{encode_segment(status)}"
    return SECID[name] if name in SECID else NamedNode(SECID_NAMESPACE + name)


def url_kind_iri(kind: str) -> NamedNode:
    """The URL kind concept ``secid:urlkind-<kind>`` (an open vocabulary).

    >>> url_kind_iri("bulk_data").value
    'https://w3id.org/secid/ontology#urlkind-bulk_data'
    """
    return NamedNode(f"{SECID_NAMESPACE}urlkind-{encode_segment(kind)}")


def tag_iri(key: str, value: str) -> NamedNode:
    """The tag concept ``secid:tag-<key>=<value>`` (``country``, ``region`` ...).

    >>> tag_iri("country", "GB").value
    'https://w3id.org/secid/ontology#tag-country=GB'
    """
    return NamedNode(f"{SECID_NAMESPACE}tag-{encode_segment(key)}={encode_segment(value)}")


def commit_iri(commit: str) -> NamedNode:
    """The registry's git commit, as its Software Heritage identifier (SWHID) IRI.

    A SWHID ``swh:1:rev:<sha1>`` names a git commit by its hash, whoever hosts it
    (https://www.swhid.org/); the archive resolves it.

    :raises InvalidIriError: when ``commit`` is not a full 40-digit lower-case hash.

    >>> commit_iri("7df975b573e60651f905c747f501147b3a15e51c").value
    'https://archive.softwareheritage.org/swh:1:rev:7df975b573e60651f905c747f501147b3a15e51c'
    """
    if not _COMMIT_PATTERN.fullmatch(commit):
        raise InvalidIriError(commit, "a git commit must be 40 lower-case hex digits")
    return NamedNode(f"https://archive.softwareheritage.org/swh:1:rev:{commit}")


def secid_to_iri(base: str, secid: str, namespaces: Container[tuple[str, str]]) -> NamedNode:
    """The IRI a SecID reference (``operator``, ``cross_references``) points at.

    The namespace is the longest ``/``-prefix of the path (up to the first ``@``, ``?`` or
    ``#``) that is a known ``(type, namespace)``; when none is known, the whole path is the
    namespace. So the IRI is the one the target would get if it existed, whether or not it
    does. Anything after the name (``@version``, ``?qualifiers``, ``#subpath``) is kept,
    encoded, as a ``;ref=`` step, so two different SecIDs never share an IRI.

    :param base: the data base IRI.
    :param secid: the SecID string, e.g. ``secid:entity/mitre.org/cve``.
    :param namespaces: the known ``(type, namespace)`` pairs.
    :raises InvalidSecidError: when the text is not ``secid:<type>/<path>``.

    >>> known = {("entity", "mitre.org")}
    >>> secid_to_iri(DEFAULT_BASE, "secid:entity/mitre.org/cve", known).value
    'https://w3id.org/secid/id/entity/mitre.org/cve'
    >>> secid_to_iri(DEFAULT_BASE, "secid:entity/usgov/hhs/fda", known).value
    'https://w3id.org/secid/id/entity/usgov%2Fhhs%2Ffda'
    >>> secid_to_iri(DEFAULT_BASE, "secid:entity/mitre.org/cve#CVE-1", known).value
    'https://w3id.org/secid/id/entity/mitre.org/cve;ref=%23CVE-1'
    """
    if not secid.startswith("secid:"):
        raise InvalidSecidError(secid, "must start with 'secid:'")
    type_name, slash, rest = secid[len("secid:") :].partition("/")
    if not slash or not type_name:
        raise InvalidSecidError(secid, "expected secid:<type>/<namespace>")
    end = _REFERENCE_END.search(rest)
    path, suffix = (rest, "") if end is None else (rest[: end.start()], rest[end.start() :])
    segments = path.split("/")
    prefixes = ((k, "/".join(segments[:k])) for k in range(len(segments), 0, -1))
    cut = next((k for k, prefix in prefixes if (type_name, prefix) in namespaces), len(segments))
    iri = namespace_iri(base, type_name, "/".join(segments[:cut]))
    if cut < len(segments):
        iri = source_iri(iri, "/".join(segments[cut:]))
    return _step(iri, "ref", encode_segment(suffix)) if suffix else iri
