"""Where the site keeps the files of a data IRI: its path below the base, as a file path.

The export folder is served from the data base IRI, so the page of
``<base>advisory/mitre.org`` is ``advisory/mitre.org.html`` and its data files
``advisory/mitre.org.jsonld`` and ``.ttl``. Web servers decode the request path before they
map it to a file, so a file name is the decoded IRI segment. A segment that no file system or
server can carry as it is (empty, ``.``/``..``, a control character, over-long) is written
encoded instead: its files exist but its IRI does not dereference.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath
from urllib.parse import quote, unquote

from secid_rdf.findings import InvalidSecidError
from secid_rdf.iris import encode_segment, secid_iri

__all__ = ["MAX_SEGMENT", "file_segment", "href", "secid_stem", "site_stem"]

MAX_SEGMENT = 200
"""Longest file-name segment kept as is (file systems allow 255 bytes per name)."""

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\%]")
"""Characters that make a segment encoded: controls, ``\\`` (a folder separator on
Windows) and ``%`` (which every encoded segment holds, so raw and encoded never meet)."""


def file_segment(text: str) -> str:
    """One file name segment for the (decoded) path segment ``text``.

    ``text`` itself when a server would map a request to it; otherwise percent-encoded
    (``%`` alone for empty, ``%2E`` for dots) and cut with a hash when long, so no segment
    leaves its folder and two texts never share a name.

    >>> file_segment("mitre.org")
    'mitre.org'
    >>> file_segment("..")
    '%2E%2E'
    >>> file_segment("")
    '%'
    """
    if text.strip(".") and len(text.encode("utf-8")) <= MAX_SEGMENT and not _UNSAFE.search(text):
        return text
    encoded = encode_segment(text)
    if encoded.strip(".") == "":
        encoded = "%" if not encoded else "%2E" * len(encoded)
    if len(encoded) > MAX_SEGMENT:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        encoded = f"{encoded[: MAX_SEGMENT - 16]}~{digest}"
    return encoded


def site_stem(base: str, iri: str) -> PurePosixPath | None:
    """The site path of ``iri``'s files without suffix, or None when it is not below ``base``.

    The query and the fragment are dropped (a server never sees the fragment and a static
    host ignores the query), and a version (``@`` in the last segment) goes to its source.

    >>> str(site_stem("https://w3id.org/secid/", "https://w3id.org/secid/advisory/mitre.org/cve#CVE-1"))
    'advisory/mitre.org/cve'
    >>> str(site_stem("https://w3id.org/secid/", "https://w3id.org/secid/control/iso.org/27001@2022#A.1"))
    'control/iso.org/27001'
    >>> site_stem("https://w3id.org/secid/", "https://example.org/x") is None
    True
    """
    if not iri.startswith(base) or len(iri) == len(base):
        return None
    path = re.split(r"[?#]", iri[len(base) :], maxsplit=1)[0]
    parts = path.split("/")
    last = parts[-1]
    if "@" in last and last.index("@") > 0:
        parts[-1] = last[: last.index("@")]
    return PurePosixPath(*(file_segment(unquote(part)) for part in parts))


_PLAIN_SECID = re.compile(r"secid:[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)+")
"""A SecID whose path is its site stem as it is (every name of both corpora is one)."""


def secid_stem(base: str, secid: str) -> str | None:
    """The site stem of the page of what ``secid`` names, or None when it names nothing.

    Quick for a plain SecID (pages link to thousands): its path is its stem.

    >>> secid_stem("https://w3id.org/secid/", "secid:advisory/mitre.org/cve")
    'advisory/mitre.org/cve'
    >>> secid_stem("https://w3id.org/secid/", "secid:control/iso.org/27001@2022#A.1")
    'control/iso.org/27001'
    """
    path = secid[len("secid:") :]
    if _PLAIN_SECID.fullmatch(secid) and all(
        part.strip(".") and len(part) <= MAX_SEGMENT for part in path.split("/")
    ):
        return path
    try:
        stem = site_stem(base, secid_iri(base, secid).value)
    except InvalidSecidError:
        return None
    return None if stem is None else str(stem)


def href(here: PurePosixPath, target: PurePosixPath, fragment: str = "") -> str:
    """A relative link from the file ``here`` to the file ``target`` (both site paths).

    Percent-encoded, so the browser asks for exactly the file's name (and a ``:`` never
    reads as a scheme).

    >>> href(PurePosixPath("advisory/mitre.org.html"), PurePosixPath("advisory/mitre.org/cve.html"))
    'mitre.org/cve.html'
    >>> href(PurePosixPath("advisory/mitre.org/cve.html"), PurePosixPath("index.html"), "top")
    '../../index.html#top'
    """
    up = len(here.parts) - 1
    common = 0
    while (
        common < up
        and common < len(target.parts) - 1
        and here.parts[common] == target.parts[common]
    ):
        common += 1
    relative = [".."] * (up - common) + list(target.parts[common:])
    text = quote("/".join(relative), safe="/~@")
    if fragment:
        text += "#" + quote(fragment, safe="~@/?!$&'()*+,;=:-._")
    return text
