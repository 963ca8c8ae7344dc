"""The SecID string grammar: the :class:`SecID` value, :func:`parse_secid`, :func:`format_secid`.

A SecID names security knowledge the way a Package URL names a package. Canonical SecID
strings are never percent-encoded; encoding belongs to whatever syntax embeds them (IRIs,
file names, URLs).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from secid_rdf.findings import InvalidSecidError

__all__ = [
    "KNOWN_TYPES",
    "MAX_NAMESPACE_LENGTH",
    "MAX_SEGMENT_BYTES",
    "SECID_PATTERN",
    "SECID_SCHEME",
    "TYPE_PATTERN",
    "SecID",
    "format_secid",
    "namespace_problem",
    "parse_secid",
]

SECID_SCHEME = "secid:"
"""Every SecID string starts with this scheme, in lower case."""

TYPE_PATTERN = re.compile(r"[a-z][a-z0-9_-]*")
"""A SecID type: lower case (``advisory``, ``weakness``, ``capability`` ...)."""

KNOWN_TYPES = frozenset(
    {
        "advisory",
        "capability",
        "control",
        "disclosure",
        "entity",
        "methodology",
        "reference",
        "regulation",
        "ttp",
        "weakness",
    }
)
"""The types the SecID registries published so far use: seven from January 2026 (``advisory
weakness ttp control regulation entity reference``), three more from May 2026 (``capability
methodology disclosure``). A registry may add others (its type description files name them),
so nothing refuses a type outside this set; it only tells a registry folder from a folder
around one."""

SECID_PATTERN = re.compile(
    r"""
    \Asecid:
    (?P<type>[a-z][a-z0-9_-]*)
    /(?P<path>[^@?\#\s/][^@?\#]*)       # <namespace>[/<name>]: split by the registry
    (?:@(?P<version>[^?\#]+))?
    (?:\?(?P<qualifiers>[^\#]*))?
    (?:\#(?P<subpath>.+))?              # <subpath>[@<item_version>]
    \Z
    """,
    re.VERBOSE | re.DOTALL,
)
"""The syntax of a SecID string, from the SecID specification::

    secid:<type>/<namespace>/<name>[@version][?qualifiers][#subpath[@item_version][?qualifiers]]

The pattern fixes only what syntax can: the type, the ``<namespace>/<name>`` path, an
``@version``, ``?key=value&...`` qualifiers and a ``#subpath``. Where the namespace ends and
the name begins needs the registry (the namespace is the longest ``/``-prefix that exists),
which is why :func:`parse_secid` takes the known namespaces. Names and subpaths may hold
``# @ ? : / & ( ) §`` and spaces (``VU#867593``, ``RHSA-2024:1234``, ``AC-2(1)``); a name
ends at the first ``@``, ``?`` or ``#``, and everything after the first ``#`` is the subpath
(qualifiers after a subpath stay part of it).
"""

_QUALIFIER_KEY = re.compile(r"[A-Za-z0-9_.-]+")

MAX_NAMESPACE_LENGTH = 255
"""Most characters in a namespace (real ones have at most about 30)."""

MAX_SEGMENT_BYTES = 63
"""Most UTF-8 bytes in one ``/``-segment of a namespace: a DNS label's limit, which also keeps
each segment's percent-encoded page file name under the file systems' 255 bytes."""

_LABEL_PUNCTUATION = frozenset("-_")


def namespace_problem(namespace: str) -> str | None:
    """Why ``namespace`` does not fit the SecID namespace grammar, or ``None`` when it does.

    A namespace is one or more ``/``-separated segments (a domain name, then sub-namespaces);
    each segment is one or more ``.``-separated labels of letters, marks and digits of any
    script (IDN labels), ``-`` and ``_``. So no segment is empty, ``.`` or ``..``.

    >>> [namespace_problem(ns) for ns in ("aisi", "amazon.com/aws/s3", "例え.jp", "Commvault.com")]
    [None, None, None, None]
    >>> namespace_problem("../../x")
    "segment '..' has an empty label (a '.' at its start or end, or two in a row)"
    >>> namespace_problem("a b")
    "character ' ' (U+0020) is not allowed; use letters, digits, '-', '_', '.' and '/'"
    """
    if len(namespace) > MAX_NAMESPACE_LENGTH:
        return f"longer than {MAX_NAMESPACE_LENGTH} characters"
    for segment in namespace.split("/"):
        if not segment:
            return "has an empty segment (a '/' at its start or end, or two in a row)"
        if len(segment.encode("utf-8", "surrogatepass")) > MAX_SEGMENT_BYTES:
            return f"segment {segment[:20]!r}... is longer than {MAX_SEGMENT_BYTES} UTF-8 bytes"
        if "" in segment.split("."):
            return (
                f"segment {segment!r} has an empty label (a '.' at its start or end, or two in a"
                " row)"
            )
        for char in segment:
            if char != "." and char not in _LABEL_PUNCTUATION and not _is_label_char(char):
                return (
                    f"character {char!r} (U+{ord(char):04X}) is not allowed; use letters, digits,"
                    " '-', '_', '.' and '/'"
                )
    return None


def _is_label_char(char: str) -> bool:
    """A letter, mark or digit of any script (what IDN labels are made of)."""
    return unicodedata.category(char)[0] in "LMN"


@dataclass(frozen=True, kw_only=True)
class SecID:
    """The parts of one SecID.

    ``qualifiers`` keeps the ``key=value`` pairs in their written order (they never change
    identity, but keeping the order makes :func:`format_secid` give the string back).
    """

    type: str
    namespace: str
    name: str | None = None
    version: str | None = None
    qualifiers: tuple[tuple[str, str], ...] = ()
    subpath: str | None = None
    item_version: str | None = None

    def __str__(self) -> str:
        """The canonical SecID string."""
        return format_secid(self)


def format_secid(secid: SecID) -> str:
    """Render a :class:`SecID` as its canonical, unencoded string.

    :param secid: the parts.
    :returns: ``secid:<type>/<namespace>[/<name>][@version][?k=v&...][#subpath[@item_version]]``.

    >>> format_secid(SecID(type="advisory", namespace="mitre.org", name="cve",
    ...                    subpath="CVE-2024-1234"))
    'secid:advisory/mitre.org/cve#CVE-2024-1234'
    >>> format_secid(SecID(type="control", namespace="iso.org", name="27001", version="2022",
    ...                    qualifiers=(("lang", "en"),), subpath="A.8.1"))
    'secid:control/iso.org/27001@2022?lang=en#A.8.1'
    """
    text = f"{SECID_SCHEME}{secid.type}/{secid.namespace}"
    if secid.name:
        text += f"/{secid.name}"
    if secid.version:
        text += f"@{secid.version}"
    if secid.qualifiers:
        text += "?" + "&".join(f"{key}={value}" for key, value in secid.qualifiers)
    if secid.subpath:
        text += f"#{secid.subpath}"
        if secid.item_version:
            text += f"@{secid.item_version}"
    return text


def parse_secid(text: str, *, namespaces: Collection[str] | None = None) -> SecID:
    """Split a SecID string into its parts.

    :param text: the SecID string, e.g. ``secid:advisory/mitre.org/cve#CVE-2024-1234``.
    :param namespaces: the namespaces known for the SecID's type. When given, the namespace
        is the longest ``/``-prefix of the path found among them
        (``amazon.com/aws/s3`` beats ``amazon.com``). When ``None``, the namespace is the
        first path segment.
    :returns: the parts; ``name`` is ``None`` for a namespace SecID (``secid:entity/aisi``).
    :raises InvalidSecidError: when the text does not follow the grammar, or when
        ``namespaces`` is given and none of them is a prefix of the path.

    >>> parse_secid("secid:advisory/mitre.org/cve#CVE-2024-1234")
    SecID(type='advisory', namespace='mitre.org', name='cve', version=None, qualifiers=(), \
subpath='CVE-2024-1234', item_version=None)
    >>> parse_secid("secid:control/amazon.com/aws/s3/bp@2024",
    ...             namespaces={"amazon.com", "amazon.com/aws/s3"}).name
    'bp'
    >>> parse_secid("secid:entity/aisi").namespace
    'aisi'
    >>> parse_secid("cve:CVE-2024-1234")
    Traceback (most recent call last):
    ...
    secid_rdf.findings.InvalidSecidError: not a SecID: 'cve:CVE-2024-1234': must start with 'secid:'
    """
    if not text.startswith(SECID_SCHEME):
        raise InvalidSecidError(text, f"must start with {SECID_SCHEME!r}")
    match = SECID_PATTERN.match(text)
    if match is None:
        raise InvalidSecidError(text, _syntax_problem(text))
    if "//" in match["path"] or match["path"].endswith("/"):
        raise InvalidSecidError(text, "the path has an empty segment")
    namespace, name = _split_path(text, match["path"], namespaces)
    subpath, item_version = _split_subpath(match["subpath"])
    return SecID(
        type=match["type"],
        namespace=namespace,
        name=name,
        version=match["version"],
        qualifiers=_parse_qualifiers(text, match["qualifiers"]),
        subpath=subpath,
        item_version=item_version,
    )


def _syntax_problem(text: str) -> str:
    """Say which part of a malformed SecID is wrong (the pattern alone cannot)."""
    rest = text[len(SECID_SCHEME) :]
    type_text, slash, path = rest.partition("/")
    if not TYPE_PATTERN.fullmatch(type_text):
        return f"type {type_text!r} must be lower-case letters, digits, '-' or '_'"
    if not slash or not path or path[0] in "@?#/" or path[0].isspace():
        return "a namespace must follow '<type>/'"
    if "@" in path.split("#", 1)[0].split("?", 1)[0] and re.search(r"@(?:[?#]|\Z)", path):
        return "'@' must be followed by a version"
    return "does not match secid:<type>/<namespace>/<name>[@version][?qualifiers][#subpath]"


def _split_path(text: str, path: str, namespaces: Collection[str] | None) -> tuple[str, str | None]:
    """Split ``<namespace>/<name>`` at the longest known namespace (or the first ``/``)."""
    if namespaces is None:
        namespace, _, name = path.partition("/")
        return namespace, name or None
    candidate = path
    while True:
        if candidate in namespaces:
            return candidate, path[len(candidate) + 1 :] or None
        cut = candidate.rfind("/")
        if cut <= 0:
            raise InvalidSecidError(text, "no known namespace is a prefix of the path")
        candidate = candidate[:cut]


def _split_subpath(subpath: str | None) -> tuple[str | None, str | None]:
    """Take a trailing ``@item_version`` (no ``/`` in it) off a subpath."""
    if subpath is None:
        return None, None
    head, at, tail = subpath.rpartition("@")
    if at and head and tail and "/" not in tail:
        return head, tail
    return subpath, None


def _parse_qualifiers(text: str, qualifiers: str | None) -> tuple[tuple[str, str], ...]:
    """Parse ``k=v&k=v`` into ordered pairs."""
    if qualifiers is None:
        return ()
    pairs = []
    for item in qualifiers.split("&"):
        key, equals, value = item.partition("=")
        if not equals or not _QUALIFIER_KEY.fullmatch(key):
            raise InvalidSecidError(text, f"qualifier {item!r} must be key=value")
        pairs.append((key, value))
    return tuple(pairs)
