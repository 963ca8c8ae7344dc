"""Minting IRIs: the one place that turns SecIDs and registry keys into IRIs, and back.

Every resource with a SecID is named ``<base>`` + the SecID without ``secid:``
(:func:`secid_iri`, reversed by :func:`iri_secid`): ``secid:advisory/mitre.org/cve#CVE-1``
is ``https://w3id.org/secid/advisory/mitre.org/cve#CVE-1``. Slashes stay slashes, ``@``
stays ``@``, the ``#subpath`` is the fragment and ``?qualifiers`` the query; only what an
IRI cannot hold at that place is percent-encoded (UTF-8, upper-case hex), and ``%`` always
is, so decoding gives the SecID back. The IRI depends on the SecID alone.

Things without a SecID (match nodes named by a regex, patterns, links, templates,
variables, examples that are not SecIDs, versions of nameless sources, known values, kept
keys) hang off their owner's IRI as a query item ``!<step>=<value>`` (:func:`step_iri`):
``…/advisory/mitre.org/cve?!url=website,https://www.cve.org/``. A SecID's query holds
only ``key=value`` qualifiers whose key is ``[A-Za-z0-9_.-]+``, so an item that starts
with ``!`` can never be part of a SecID IRI. The value is what identifies the thing (the
pattern text, the link kind and target, the example input), never a list position.

Named graphs and the dump folder live under ``_graph/`` and ``_dump/``: a SecID type starts
with a lower-case letter, so no SecID IRI starts that way. See ``docs/iris.md``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from urllib.parse import quote, unquote

from pyoxigraph import NamedNode

from secid_rdf.findings import InvalidIriError, InvalidSecidError
from secid_rdf.secid import SECID_SCHEME, TYPE_PATTERN, parse_secid
from secid_rdf.vocab import DEFAULT_BASE, STATUS_SCHEME, TAG_SCHEME, URL_KIND_SCHEME

__all__ = [
    "COUNTRY_NAMESPACE",
    "DATASET_GRAPH_IRI",
    "DEFAULT_BASE",
    "GRAPH_NAMESPACE",
    "WEB_SCHEMES",
    "WIKIDATA_ITEM",
    "absolute_iri",
    "check_base",
    "commit_iri",
    "content_key",
    "country_iri",
    "encode_segment",
    "graph_iri",
    "iri_secid",
    "is_web_template",
    "is_web_url",
    "namespace_iri",
    "secid_iri",
    "status_iri",
    "step_iri",
    "tag_iri",
    "type_iri",
    "url_kind_iri",
]

COUNTRY_NAMESPACE = "http://publications.europa.eu/resource/authority/country/"
"""The EU Publications Office's country authority table: country tags are its IRIs."""

_ALPHA_2 = re.compile(r"[A-Z]{2}")

GRAPH_NAMESPACE = "https://w3id.org/secid/_graph/"
"""Named graphs: ``<GRAPH_NAMESPACE><type>`` holds the triples of one SecID type (``_`` keeps
them apart from SecID IRIs, whose type starts with a letter)."""

DATASET_GRAPH_IRI = NamedNode(GRAPH_NAMESPACE + "void")
"""The named graph of the dataset description (VoID and DCAT)."""

SCHEME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
"""An IRI scheme, RFC 3986 section 3.1: ``scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )``
followed by ``:`` (https://www.rfc-editor.org/rfc/rfc3986#section-3.1)."""

WIKIDATA_ITEM = re.compile(r"Q[1-9][0-9]*")
"""A Wikidata item id as the registry writes it (``Q173395``); anything else is a URL."""

WEB_SCHEMES = frozenset({"http", "https"})
"""The schemes of the registry's URLs, as the shapes ask for them (``^https?://``): the only
ones the graph keeps and the site links to. ``javascript:``, ``data:``, ``ftp:``,
``mailto:`` and the rest are refused."""


def is_web_url(value: str) -> bool:
    """True when ``value`` starts with one of :data:`WEB_SCHEMES` (in any case).

    >>> is_web_url("HTTPS://cve.org/"), is_web_url("javascript:alert(1)"), is_web_url("cve.org")
    (True, False, False)
    """
    scheme = SCHEME_PATTERN.match(value.strip())
    return scheme is not None and scheme.group()[:-1].lower() in WEB_SCHEMES


def is_web_template(template: str) -> bool:
    """True when a URL template starts with ``http://`` or ``https://`` (in any case).

    A template is filled in and followed as it stands, so the rule of :func:`is_web_url`
    holds for its text, with the ``//`` the shapes ask for: ``javascript:alert(1)//{id}``
    is refused, and so is ``{scheme}://...``, whose scheme a placeholder would choose.

    >>> is_web_template("https://cve.org/{id}"), is_web_template("javascript:x//{id}")
    (True, False)
    """
    return template.lower().startswith(tuple(f"{scheme}://" for scheme in WEB_SCHEMES))


_COMMIT_PATTERN = re.compile(r"[0-9a-f]{40}")

_PATH_SAFE = "-._~!$&'()*+,;=:@/"
"""ASCII an IRI path holds as it is (RFC 3987 ``ipath``: ``iunreserved``, ``sub-delims``,
``:``, ``@`` and the ``/`` between segments)."""

_QUERY_SAFE = _PATH_SAFE + "?"
"""ASCII an IRI query or fragment holds as it is (``iquery``/``ifragment`` add ``?``)."""

_STEP_SAFE = _QUERY_SAFE.replace("&", "").replace(",", "")
"""ASCII a step value keeps: a query's, less ``&`` (between items) and ``,`` (between the
parts of one value), which are encoded so that the value reads back unambiguously."""

_BIDI_FORMATTING = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
"""Characters an IRI must not hold raw (RFC 3987 section 4.1)."""


def _iri_char(char: str, *, query: bool) -> bool:
    """True for a non-ASCII character an IRI may hold raw at this place.

    RFC 3987 ``ucschar``, and ``iprivate`` in a query; never a bidirectional formatting
    character (section 4.1), nor a space (``U+00A0``, ``U+3000`` ...), which parsers such as
    rdflib's take for the end of an IRI.
    """
    code = ord(char)
    if code < 0xA0 or char in _BIDI_FORMATTING or char.isspace():
        return False
    if code <= 0xD7FF or 0xF900 <= code <= 0xFDCF or 0xFDF0 <= code <= 0xFFEF:
        return True
    if 0xE000 <= code <= 0xF8FF:
        return query
    if code < 0x10000 or (code & 0xFFFF) >= 0xFFFE:
        return False
    plane = code >> 16
    return plane <= 0xD or (plane == 0xE and code >= 0xE1000) or (plane >= 0xF and query)


@functools.cache
def _needs_look(safe: str) -> re.Pattern[str]:
    """One character that is neither ASCII alphanumeric nor in ``safe``.

    Only those are looked at one by one: a whole SecID of plain characters, the usual
    case, passes in one scan of C code.
    """
    return re.compile(f"[^A-Za-z0-9{re.escape(safe)}]")


def _encode(text: str, safe: str, *, query: bool) -> str:
    """Percent-encode (UTF-8) every character of ``text`` an IRI cannot hold here, and ``%``."""

    def encoded(match: re.Match[str]) -> str:
        char = match.group()
        if char > "\x7f" and _iri_char(char, query=query):
            return char
        return quote(char, safe="")

    return _needs_look(safe).sub(encoded, text)


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

    :param base: an absolute IRI ending in ``/``, without ``#`` or ``?``.
    :returns: ``base`` unchanged.
    :raises InvalidIriError: when it is not absolute, not a valid IRI, does not end in
        ``/``, or holds ``#`` or ``?``.

    >>> check_base("https://example.org/secid/")
    'https://example.org/secid/'
    >>> check_base("https://example.org/secid")
    Traceback (most recent call last):
    ...
    secid_rdf.findings.InvalidIriError: not a valid absolute IRI: 'https://example.org/secid': \
a base IRI must end with '/' and hold no '#' or '?' (try 'https://example.org/secid/')
    """
    absolute_iri(base)
    if not base.endswith("/") or "#" in base or "?" in base:
        # a SecID's #subpath and ?qualifiers become the IRI's fragment and query; the base
        # is also the secid: prefix, which needs a final '/' to make SecIDs compact IRIs
        hint = re.split(r"[?#]", base, maxsplit=1)[0].rstrip("/") + "/"
        raise InvalidIriError(
            base, f"a base IRI must end with '/' and hold no '#' or '?' (try {hint!r})"
        )
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
    'https://w3id.org/secid/_graph/advisory'
    """
    return NamedNode(GRAPH_NAMESPACE + encode_segment(type_name))


def status_iri(status: str) -> NamedNode:
    """The status concept ``secidv:status/<status>``; undeclared values still get an IRI.

    >>> status_iri("active").value
    'https://w3id.org/secid/vocab/status/active'
    >>> status_iri("in review").value
    'https://w3id.org/secid/vocab/status/in%20review'
    """
    return NamedNode(f"{STATUS_SCHEME.value}/{encode_segment(status)}")


def url_kind_iri(kind: str) -> NamedNode:
    """The URL kind concept ``secidv:urlkind/<kind>`` (an open vocabulary).

    >>> url_kind_iri("bulk_data").value
    'https://w3id.org/secid/vocab/urlkind/bulk_data'
    """
    return NamedNode(f"{URL_KIND_SCHEME.value}/{encode_segment(kind)}")


def tag_iri(key: str, value: str) -> NamedNode:
    """The tag concept ``secidv:tag/<key>/<value>``, named by its key and value.

    >>> tag_iri("region", "EU/EEA").value
    'https://w3id.org/secid/vocab/tag/region/EU%2FEEA'
    """
    return NamedNode(f"{TAG_SCHEME.value}/{encode_segment(key)}/{encode_segment(value)}")


def country_iri(code: str) -> NamedNode | None:
    """The EU Publications Office country IRI of an ISO 3166-1 alpha-2 code, if it is one.

    That authority table names countries by their ISO 3166-1 alpha-3 code; only a code
    ISO assigns is mapped (``None`` otherwise: the tag stays a tag concept).

    >>> country_iri("US").value
    'http://publications.europa.eu/resource/authority/country/USA'
    >>> country_iri("EU") is None, country_iri("us") is None
    (True, True)
    """
    if not _ALPHA_2.fullmatch(code):
        return None
    import pycountry  # 60 ms with importlib.metadata: only a conversion with tags pays it

    country = pycountry.countries.get(alpha_2=code)
    return None if country is None else NamedNode(COUNTRY_NAMESPACE + country.alpha_3)


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


def type_iri(base: str, type_name: str) -> NamedNode:
    """The SecID type ``secid:<type>`` as a resource (a ``secido:SecidType`` and SKOS concept).

    >>> type_iri(DEFAULT_BASE, "advisory").value
    'https://w3id.org/secid/advisory'
    """
    return secid_iri(base, SECID_SCHEME + type_name)


def namespace_iri(base: str, type_name: str, namespace: str) -> NamedNode:
    """The namespace ``secid:<type>/<namespace>``: slashes in the namespace stay slashes.

    >>> namespace_iri(DEFAULT_BASE, "advisory", "github.com/advisories").value
    'https://w3id.org/secid/advisory/github.com/advisories'
    """
    return secid_iri(base, f"{SECID_SCHEME}{type_name}/{namespace}")


def secid_iri(base: str, secid: str) -> NamedNode:
    """The IRI of the thing a SecID names: ``<base>`` + the SecID without ``secid:``.

    The path (``<type>/<namespace>/<name>[@version]``) keeps its slashes and ``@``; the
    ``?qualifiers`` become the query and the ``#subpath`` the fragment. Only characters an
    IRI cannot hold there are percent-encoded, as the SecID specification encodes them
    (UTF-8), plus ``%`` itself and a path segment that is only ``.`` or ``..`` (which IRI
    resolution would remove). :func:`iri_secid` gives the SecID back.

    :param base: the data base IRI (see :func:`check_base`).
    :param secid: a SecID that follows the grammar (:func:`~secid_rdf.secid.parse_secid`),
        or a type alone (``secid:advisory``).
    :raises InvalidSecidError: for any other text.

    >>> secid_iri(DEFAULT_BASE, "secid:advisory/github.com/advisories/ghsa").value
    'https://w3id.org/secid/advisory/github.com/advisories/ghsa'
    >>> secid_iri(DEFAULT_BASE, "secid:control/iso.org/27001@2022#A.8.1").value
    'https://w3id.org/secid/control/iso.org/27001@2022#A.8.1'
    >>> secid_iri(DEFAULT_BASE, "secid:advisory/cert.org/vu#VU#867593").value
    'https://w3id.org/secid/advisory/cert.org/vu#VU%23867593'
    >>> secid_iri(DEFAULT_BASE, "secid:control/csa.org/aicm#A&A-01 (Draft)").value
    'https://w3id.org/secid/control/csa.org/aicm#A&A-01%20(Draft)'
    """
    body = secid[len(SECID_SCHEME) :] if secid.startswith(SECID_SCHEME) else None
    if body is None or not TYPE_PATTERN.fullmatch(body):
        parse_secid(secid)  # raises for anything that is not a SecID
        body = secid[len(SECID_SCHEME) :]
    head, hash_sign, fragment = body.partition("#")
    path, question, query = head.partition("?")
    segments = [_encode(segment, _PATH_SAFE, query=False) for segment in path.split("/")]
    path = "/".join(
        segment.replace(".", "%2E") if segment in {".", ".."} else segment for segment in segments
    )
    query = _encode(query, _QUERY_SAFE, query=True)
    fragment = _encode(fragment, _QUERY_SAFE, query=False)
    return NamedNode(f"{base}{path}{question}{query}{hash_sign}{fragment}")


def iri_secid(base: str, iri: str) -> str:
    """The SecID an IRI minted by :func:`secid_iri` names: the inverse mapping.

    :raises InvalidSecidError: when ``iri`` is not ``secid_iri(base, s)`` for any SecID ``s``
        (another base, a step IRI, a named graph ...).

    >>> iri_secid(DEFAULT_BASE, "https://w3id.org/secid/advisory/cert.org/vu#VU%23867593")
    'secid:advisory/cert.org/vu#VU#867593'
    """
    if not iri.startswith(base):
        raise InvalidSecidError(iri, f"does not start with the base {base}")
    secid = SECID_SCHEME + unquote(iri[len(base) :], errors="strict")
    if secid_iri(base, secid).value != iri:
        raise InvalidSecidError(iri, "not the IRI of a SecID")
    return secid


def step_iri(owner: NamedNode, step: str, *parts: str) -> NamedNode:
    """Something without a SecID, named by its owner and what identifies it.

    The owner's IRI gets the query item ``!<step>`` or ``!<step>=<part>,<part>...``; a
    fragment of the owner stays at the end. Every part is percent-encoded where an IRI
    cannot hold it raw, and ``%``, ``&``, ``,`` and ``#`` always are, so distinct parts give
    distinct IRIs; no SecID IRI holds a query item that starts with ``!``.

    >>> cve = NamedNode("https://w3id.org/secid/advisory/mitre.org/cve")
    >>> step_iri(cve, "url", "website", "https://www.cve.org/").value
    'https://w3id.org/secid/advisory/mitre.org/cve?!url=website,https://www.cve.org/'
    >>> step_iri(NamedNode(cve.value + "#CVE-1"), "var", "id").value
    'https://w3id.org/secid/advisory/mitre.org/cve?!var=id#CVE-1'
    """
    head, hash_sign, fragment = owner.value.partition("#")
    item = "!" + step
    if parts:
        item += "=" + ",".join(_encode(part, _STEP_SAFE, query=True) for part in parts)
    joiner = "&" if "?" in head else "?"
    return NamedNode(f"{head}{joiner}{item}{hash_sign}{fragment}")


def content_key(*values: object) -> str:
    """A short stable hash of what identifies a thing whose text is too long or not unique.

    Used where nothing short names a thing (a match node: its patterns, template and
    content type); 16 hex digits (64 bits) of SHA-256 over the values as JSON.

    >>> len(content_key(["(?i)^vu#.+$"], None))
    16
    """
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
