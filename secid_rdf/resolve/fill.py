"""Fill a URL template: the one place where text from a SecID enters a URL.

:func:`fill_template` places values into ``{placeholder}`` slots, encoded for the part of the
URL they land in, and refuses what could move the URL: a slot in the scheme, the port, the
user part or glued to the host; a host slot that is not a whole label of letters, digits and
``-`` before a fixed domain; a value with a ``.`` or ``..`` path segment. What the template
holds before a slot is therefore always the URL's prefix, whatever the SecID holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from secid_rdf.model import PLACEHOLDER_PATTERN

__all__ = ["fill_template", "placeholders"]

_PATH_SAFE = ":@!'()*,;/"
"""Characters kept raw in a path slot besides the unreserved ones (RFC 3986 ``pchar``, and
``/``); ``%``, ``?``, ``#``, ``\\``, spaces, controls and non-ASCII are always encoded."""

_QUERY_SAFE = _PATH_SAFE + "?"
"""A query or fragment slot also keeps ``?`` raw."""

_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LABEL_START = re.compile(r"(?:://|[A-Za-z0-9-]\.)\Z")
_HOST_LABEL = re.compile(r"[A-Za-z0-9-]+")
_DOT_SEGMENT = re.compile(r"(?:\A|/)\.{1,2}(?:/|\Z)")


def placeholders(template: str) -> tuple[str, ...]:
    """The placeholder names of a template, in order of first appearance.

    >>> placeholders("https://x.org/{year}/{id}/{year}")
    ('year', 'id')
    """
    return tuple(dict.fromkeys(PLACEHOLDER_PATTERN.findall(template)))


def fill_template(template: str, values: Mapping[str, str]) -> str | None:
    """The URL ``template`` gives with ``values``, or ``None`` when it gives none.

    ``None`` when a placeholder has no value, an empty one, one refused where it stands,
    or a value holding a ``.`` or ``..`` path segment.

    >>> fill_template("https://x.org/item/{id}", {"id": "a b/c?d#e"})
    'https://x.org/item/a%20b/c%3Fd%23e'
    >>> fill_template("https://x.org/search?q={id}", {"id": "a?b&c"})
    'https://x.org/search?q=a?b%26c'
    >>> fill_template("https://{project}.apache.org/", {"project": "logging"})
    'https://logging.apache.org/'
    >>> fill_template("https://{project}.apache.org/", {"project": "evil.com/x"}) is None
    True
    >>> fill_template("https://x.org/{id}", {"id": "../evil"}) is None
    True
    >>> fill_template("https://x.org{id}", {"id": "@evil.com"}) is None
    True
    """
    encoded: dict[str, str] = {}
    for name in placeholders(template):
        value = values.get(name)
        if not value or _DOT_SEGMENT.search(value):
            return None
        placed = _encode(template, name, value)
        if placed is None:
            return None
        encoded[name] = placed
    return PLACEHOLDER_PATTERN.sub(lambda match: encoded[match[1]], template)


def _encode(template: str, name: str, value: str) -> str | None:
    """``value`` encoded for where ``{name}`` first appears in ``template``, or ``None``."""
    before, _, after = template.partition("{" + name + "}")
    if "?" in before or "#" in before:
        return quote(value, safe=_QUERY_SAFE)
    authority = _AUTHORITY.match(before)
    if authority is not None and authority.end() == len(before):
        if _LABEL_START.search(before) and after.startswith(".") and _HOST_LABEL.fullmatch(value):
            return value
        return None
    if _SCHEME.match(before):
        return quote(value, safe=_PATH_SAFE)
    return None
