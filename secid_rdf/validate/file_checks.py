"""Checks of one registry file on its own, run while the reader parses it.

The graph holds a namespace merged from its JSON file and its Markdown twin, so a check of
the graph alone never sees what the losing file of a twin says. These checks run on each
file's own document (the parsed JSON or YAML, with its line map) and on the namespace read
from that file alone, before any merge:

- JSON files against the registry's JSON schema (``registry-namespace.schema.json``);
- every date field (``*date*``, ``checked``, ``updated`` ...) is a real calendar date;
- links: an ``http:`` URL, and an HTML entity such as ``&amp;`` inside a URL, are warnings;
- ``operator`` names a namespace of the ``entity`` type.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from secid_rdf.convert.builder import RULE_INVALID_REFERENCE, reference_problem, reference_target
from secid_rdf.findings import Finding, Location, Severity, shorten
from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.model import Namespace
from secid_rdf.read.fields import FileContext
from secid_rdf.read.located import KeyPath
from secid_rdf.resources import registry_schema_path
from secid_rdf.secid import SECID_PATTERN

if TYPE_CHECKING:
    import jsonschema_rs

__all__ = [
    "RULE_DATE",
    "RULE_ENTITY",
    "RULE_HTTP",
    "RULE_SCHEMA",
    "RULE_URL_ENTITY",
    "check_file",
]

RULE_SCHEMA = "schema"
"""A JSON namespace file breaks the registry's JSON schema."""

RULE_DATE = "date"
"""A date field that is not a calendar date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``)."""

RULE_HTTP = "link-http"
"""A link written with ``http:``: the page is fetched unencrypted (use ``https:``)."""

RULE_URL_ENTITY = "link-html-entity"
"""An HTML entity (``&amp;``) inside a URL: copied from a web page's source, not a URL."""

RULE_ENTITY = "operator-type"
"""``operator`` names a namespace of another type than ``entity``."""

_DATE_KEY = re.compile(r"(?:^|_)(?:date|checked|updated)(?:$|_)")
"""Keys that hold a date: ``release_date``, ``deprecated_date``, ``checked``,
``security_txt_updated`` ..."""

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")

_HTML_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,7}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_URL_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def check_file(context: FileContext, document: object, namespace: Namespace | None) -> None:
    """Add the findings of one file's own checks to ``context.findings``.

    :param context: the reader's context of the file (its path, line map and findings).
    :param document: the parsed JSON value or YAML frontmatter.
    :param namespace: what the reader made of the file alone, if anything.
    """
    found: list[Finding] = []
    if context.file.endswith(".json"):
        found += _schema_findings(context, document)
    found += _document_findings(context, document, ())
    if namespace is not None:
        found += _operator_findings(namespace)
    context.findings += found


@cache
def _schema_validator() -> jsonschema_rs.Validator:
    """The registry's JSON schema, compiled once per process."""
    import jsonschema_rs

    with open(registry_schema_path(), encoding="utf-8") as handle:
        schema = json.load(handle)
    return jsonschema_rs.validator_for(schema)


def _schema_findings(context: FileContext, document: object) -> Iterator[Finding]:
    """Schema errors, each at the line of the key it is about.

    An unknown key is reported at that key; a missing required key at its object. A place
    the reader already reported an error at gets no second line from the schema.
    """
    import jsonschema_rs

    taken = {
        (f.location.line if f.location else None)
        for f in context.findings
        if f.severity is Severity.ERROR
    }
    for error in _schema_validator().iter_errors(document):
        path: KeyPath = tuple(error.instance_path)
        kind = error.kind
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
            for key in kind.unexpected:
                yield _at(context, (*path, key), f"key {key!r} is not allowed here by the schema")
            continue
        location = context.location(path)
        if location.line in taken:
            continue
        yield Finding(location, Severity.ERROR, RULE_SCHEMA, shorten(error.message, 1000))


def _at(context: FileContext, path: KeyPath, message: str) -> Finding:
    """A schema error at ``path``."""
    return Finding(context.location(path), Severity.ERROR, RULE_SCHEMA, message)


def _document_findings(context: FileContext, value: object, path: KeyPath) -> Iterator[Finding]:
    """Date and link checks over every value of the document, iteratively deep."""
    pending: list[tuple[KeyPath, object]] = [(path, value)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                child = (*path, key)
                if isinstance(item, str) and _DATE_KEY.search(str(key)):
                    problem = _date_problem(item)
                    if problem is not None:
                        yield Finding(context.location(child), Severity.ERROR, RULE_DATE, problem)
                pending.append((child, item))
        elif isinstance(value, list):
            pending.extend(((*path, index), item) for index, item in enumerate(value))
        elif isinstance(value, str) and _URL_START.match(value):
            yield from _link_findings(context.location(path), value)


def _date_problem(text: str) -> str | None:
    """Why ``text`` is not a date, or ``None`` when it is one (or left empty).

    >>> _date_problem("2026-02-29")
    '2026-02-29 is not a calendar date (day is out of range for month)'
    >>> _date_problem("2024-02-29") is None, _date_problem("2017-01") is None
    (True, True)
    >>> _date_problem("29/10/2003")
    "'29/10/2003' is not a date: write YYYY-MM-DD (or YYYY-MM, YYYY)"
    """
    if not text.strip():
        return None
    match = _DATE.fullmatch(text)
    if match is None:
        return f"{text[:40]!r} is not a date: write YYYY-MM-DD (or YYYY-MM, YYYY)"
    year, month, day = match.groups()
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        return f"{text} is not a calendar date ({error})"
    return None


def _link_findings(location: Location, url: str) -> Iterator[Finding]:
    """An ``http:`` link, or an HTML entity inside a URL."""
    if url[:7].lower() == "http://":
        yield Finding(
            location,
            Severity.WARNING,
            RULE_HTTP,
            f"{url[:200]!r} uses http:, which is not encrypted: use https: if the site has it",
        )
    entity = _HTML_ENTITY.search(url)
    if entity is not None:
        yield Finding(
            location,
            Severity.WARNING,
            RULE_URL_ENTITY,
            f"{entity.group()} in a URL is HTML, not part of the URL: write the character "
            f"itself ({url[:200]!r})",
        )


def _operator_findings(namespace: Namespace) -> Iterator[Finding]:
    """``operator`` must be a SecID of the ``entity`` type.

    Text that names nothing is reported here too, at the file that wrote it: the converter
    sees only the value a twin's merge uses, at the same place (one line is shown).
    """
    operator = namespace.operator
    if operator is None:
        return
    where = namespace.field_location("operator")
    if reference_target(DEFAULT_BASE, operator) is None:
        message = reference_problem("operator", operator)
        yield Finding(where, Severity.ERROR, RULE_INVALID_REFERENCE, message)
        return
    match = SECID_PATTERN.match(operator)
    if match is None or match["type"] == "entity":
        return  # a plain IRI, or an entity
    kind = match["type"]
    yield Finding(
        where,
        Severity.ERROR,
        RULE_ENTITY,
        f"operator {operator} names {'an' if kind[0] in 'aeiou' else 'a'} {kind} namespace: "
        "an operator is an organisation, secid:entity/<namespace>",
    )
