"""Read a type description file (``registry/<type>.md`` or ``registry/<type>.json``).

JSON type files carry ``official_name``, ``description`` and stale namespace lists (kept
as extras, never used as namespaces); Markdown type files are prose, sometimes with
frontmatter. When a type has both, JSON fields win and the Markdown adds its prose.
"""

from __future__ import annotations

import re

from secid_rdf.findings import Location, Severity
from secid_rdf.model import SecidType
from secid_rdf.read.fields import Fields, FileContext, Item

__all__ = [
    "merge_type_files",
    "type_from_json",
    "type_from_markdown",
]

_HEADING_OR_BLANK = re.compile(r"\A\s*(?:#.*)?\Z")


def type_from_json(name: str, value: object, context: FileContext) -> SecidType | None:
    """A type from its JSON description."""
    fields = Item(value, (), "").fields(context, "a JSON object")
    if fields is None:
        return None
    _check_declared_type(fields, name)
    return SecidType(
        name=name,
        official_name=fields.text("official_name"),
        description=fields.text("description"),
        extras=fields.extras(),
        location=Location(context.file, 1),
    )


def type_from_markdown(
    name: str, value: object, body: str, context: FileContext
) -> SecidType | None:
    """A type from its Markdown description: optional frontmatter, then prose.

    Without a ``description`` field the first paragraph that is not a heading describes
    the type.
    """
    fields = Item(value if value is not None else {}, (), "").fields(context, "a YAML mapping")
    if fields is None:
        return None
    _check_declared_type(fields, name)
    prose = body.strip() or None
    description = fields.text("description")
    if description is None and prose:
        description = next(
            (
                " ".join(part.split())
                for part in prose.split("\n\n")
                if not _HEADING_OR_BLANK.match(part)
            ),
            None,
        )
    return SecidType(
        name=name,
        official_name=fields.text("official_name"),
        description=description,
        prose=prose,
        extras=fields.extras(),
        location=Location(context.file, 1),
    )


def _check_declared_type(fields: Fields, name: str) -> None:
    """Warn when a type file's own ``type`` field names another type than its file name."""
    declared = fields.text("type")
    if declared is not None and declared != name:
        message = f"type {declared!r} does not match the file name {name!r}"
        fields.context.report(fields.at("type"), message, Severity.WARNING)


def merge_type_files(record: SecidType, twin: SecidType) -> SecidType:
    """The JSON description of a type completed with the Markdown one's prose and gaps."""
    return SecidType(
        name=record.name,
        official_name=record.official_name or twin.official_name,
        description=record.description or twin.description,
        prose=record.prose or twin.prose,
        extras=record.extras + twin.extras,
        location=record.location,
    )
