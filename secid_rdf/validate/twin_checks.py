"""A JSON namespace file and its Markdown twin, each judged on its own and against the other.

The graph holds the merge, where the JSON file wins field by field, so a Markdown twin's own
``status`` is never seen by the shapes. Here the Markdown record's status is checked on its
own, and the facts both files state (the name, the website) are compared: a difference is a
warning at the Markdown line that names the JSON line, since only one of them can be right.
"""

from __future__ import annotations

from collections.abc import Iterator

from secid_rdf.findings import Finding, Severity, shorten
from secid_rdf.model import Namespace
from secid_rdf.vocab import SECID_STATUSES

__all__ = ["RULE_STATUS", "RULE_TWIN", "twin_findings"]

RULE_STATUS = "secidsh:Namespace-status"
"""The rule of an unknown status: the same as the shape's, whichever file states it."""

RULE_TWIN = "twin-disagrees"
"""A fact the JSON file and its Markdown twin state differently."""

_STATUS_MESSAGE = (
    "Unknown status: use one of active, draft, superseded, historical, deprecated (Markdown) "
    "or proposed, draft, pending, published (JSON)."
)


def twin_findings(record: Namespace, twin: Namespace) -> Iterator[Finding]:
    """Findings about the Markdown ``twin`` of the JSON ``record``, both as read."""
    if record.status is not None and twin.status is not None:
        if twin.status not in SECID_STATUSES:
            yield Finding(
                twin.field_location("status"),
                Severity.ERROR,
                RULE_STATUS,
                f"{_STATUS_MESSAGE} (found {shorten(twin.status)!r})",
            )
    yield from _differs(record, twin, "official_name", record.official_name, twin.official_name)
    yield from _differs(record, twin, "website", _website(record), _website(twin))


def _folded(text: str) -> str:
    """A value as compared: case, spacing and a leading "The" do not count.

    >>> _folded("The MITRE  Corporation") == _folded("mitre corporation")
    True
    """
    words = text.casefold().split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def _website(namespace: Namespace) -> str | None:
    """The namespace's first ``website`` link, without a trailing slash."""
    for url in namespace.urls:
        if url.kind == "website":
            return url.value.rstrip("/")
    return None


def _differs(
    record: Namespace, twin: Namespace, field: str, ours: str | None, theirs: str | None
) -> Iterator[Finding]:
    """A warning at the twin's line when both files give ``field`` and the values differ.

    Each file is named with the key it writes (``full_name`` in Markdown, ``official_name``
    in JSON), so that the reader finds both.
    """
    if ours is None or theirs is None or _folded(ours) == _folded(theirs):
        return
    if field == "website":
        record_at = next(u.location for u in record.urls if u.kind == "website")
        twin_at = next(u.location for u in twin.urls if u.kind == "website")
    else:
        record_at, twin_at = record.field_location(field), twin.field_location(field)
    yield Finding(
        twin_at,
        Severity.WARNING,
        RULE_TWIN,
        f"{twin_at.field or field} is {shorten(theirs)!r} here but {record_at.field or field} "
        f"is {shorten(ours)!r} in {record_at.file}:{record_at.line}; "
        "the JSON value is used: make the two files agree",
    )
