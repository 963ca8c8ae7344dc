"""Read a SecID typed by a person the way the official SecID resolver reads it.

A lookup is more forgiving than the canonical grammar (:mod:`secid_rdf.secid`): surrounding
whitespace is trimmed, the ``secid:`` scheme and the type are read in any case, qualifiers
may stand after the source (``?lang=fr``) or after the subpath (``#art-32?lang=fr``, those
win), and qualifier keys are read in lower case. Inputs longer than
:data:`MAX_SECID_LENGTH` characters are refused, as the official resolver refuses them.
"""

from __future__ import annotations

from dataclasses import dataclass

from secid_rdf.findings import InvalidSecidError
from secid_rdf.secid import SECID_SCHEME, TYPE_PATTERN

__all__ = ["MAX_SECID_LENGTH", "Request", "is_secid_argument", "read_request"]

MAX_SECID_LENGTH = 256
"""The longest SecID a lookup accepts, in characters, after trimming."""


@dataclass(frozen=True)
class Request:
    """One SecID lookup: the parts as typed, before the registry splits the path.

    ``path`` is everything between ``<type>/`` and the first ``@``, ``?`` or ``#``
    (namespace and name); ``subpath`` is the text after ``#`` up to its qualifiers.
    """

    text: str
    type: str
    path: str
    version: str | None = None
    qualifiers: tuple[tuple[str, str], ...] = ()
    subpath: str | None = None

    def qualifier(self, key: str) -> str | None:
        """The value of a qualifier (keys are lower case), or ``None``."""
        return dict(self.qualifiers).get(key)


def is_secid_argument(text: str) -> bool:
    """True for a command-line argument that is plainly a SecID: the scheme, or ``-`` (stdin).

    >>> is_secid_argument(" SECID:advisory/x"), is_secid_argument("-"), is_secid_argument("reg")
    (True, True, False)
    """
    return text == "-" or text.strip()[: len(SECID_SCHEME)].lower() == SECID_SCHEME


def read_request(text: str) -> Request:
    """Read one SecID lookup.

    :raises InvalidSecidError: empty, too long, or no ``<type>/`` to start from.

    >>> r = read_request("  SECID:Advisory/mitre.org/cve@5?A=1#CVE-1?lang=fr ")
    >>> (r.type, r.path, r.version, r.qualifiers, r.subpath)
    ('advisory', 'mitre.org/cve', '5', (('a', '1'), ('lang', 'fr')), 'CVE-1')
    """
    trimmed = text.strip()
    if not trimmed:
        raise InvalidSecidError(text, "empty")
    if len(trimmed) > MAX_SECID_LENGTH:
        raise InvalidSecidError(
            trimmed[:40] + "...", f"longer than {MAX_SECID_LENGTH} characters ({len(trimmed)})"
        )
    rest = trimmed[len(SECID_SCHEME) :] if trimmed[:6].lower() == SECID_SCHEME else trimmed
    head, hash_mark, subpath = rest.partition("#")
    subpath, _, item_qualifiers = subpath.partition("?")
    type_text, slash, path = head.partition("/")
    type_name = type_text.lower()
    if not TYPE_PATTERN.fullmatch(type_name):
        raise InvalidSecidError(trimmed, f"type {type_text!r} must be letters, digits, '-' or '_'")
    path, _, head_qualifiers = path.partition("?")
    path, at, version = path.partition("@")
    if not slash or not path.strip("/"):
        raise InvalidSecidError(trimmed, "a namespace must follow '<type>/'")
    qualifiers = dict(_qualifiers(head_qualifiers))
    qualifiers.update(_qualifiers(item_qualifiers))
    return Request(
        text=trimmed,
        type=type_name,
        path=path.strip("/"),
        version=version if at and version else None,
        qualifiers=tuple(qualifiers.items()),
        subpath=subpath if hash_mark and subpath else None,
    )


def _qualifiers(text: str) -> list[tuple[str, str]]:
    """``key=value&...`` pairs, keys in lower case; a pair without ``=`` is ignored."""
    pairs = []
    for item in text.split("&"):
        key, equals, value = item.partition("=")
        if equals and key:
            pairs.append((key.lower(), value))
    return pairs
