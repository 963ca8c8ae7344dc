"""Model parts both file formats share: examples, versions, URL objects, variables, patterns.

Each builder takes an :class:`~secid_rdf.read.fields.Item` (a value with its paths) and returns
the model object, or ``None`` after reporting why the value could not be used.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict

from secid_rdf.findings import Location
from secid_rdf.model import Example, IdPattern, Url, Variable, Version
from secid_rdf.read.fields import Fields, FileContext, Item, describe
from secid_rdf.read.located import KeyPath
from secid_rdf.secid import TYPE_PATTERN, namespace_problem

__all__ = [
    "MAX_PATTERN_LENGTH",
    "NamespaceBasics",
    "checked_pattern",
    "read_example",
    "read_id_pattern",
    "read_identity",
    "read_namespace_basics",
    "read_note",
    "read_tags",
    "read_url_object",
    "read_variable",
    "read_version",
]


MAX_PATTERN_LENGTH = 1000
"""Most characters in one registry pattern (the longest real one has 125): every later use of
a pattern (translation, SHACL ``sh:pattern``, SPARQL ``REGEX``) then stays cheap."""


def read_identity(fields: Fields) -> tuple[str, str] | None:
    """A file's ``type`` and ``namespace``; ``None`` (after an error) when unusable.

    Both must be present and fit the SecID grammar, since every SecID and IRI of the file
    is built from them.
    """
    type_name = fields.text("type", required=True)
    namespace = fields.text("namespace", required=True)
    if type_name and not TYPE_PATTERN.fullmatch(type_name):
        message = f"type {type_name!r} must be lower-case letters, digits, '-' or '_'"
        fields.context.report(fields.at("type"), message)
        return None
    problem = namespace_problem(namespace) if namespace else None
    if namespace and problem is not None:
        shown = repr(namespace if len(namespace) <= 80 else namespace[:80] + "...")
        message = f"{shown} is not a SecID namespace: {problem}; the file is not used"
        fields.context.report(fields.at("namespace"), message)
        return None
    if not type_name or not namespace:
        return None
    return type_name, namespace


class NamespaceBasics(TypedDict):
    """The :class:`~secid_rdf.model.Namespace` fields both formats spell and read alike."""

    type: str
    namespace: str
    files: tuple[str, ...]
    status: str | None
    status_notes: str | None
    common_name: str | None
    alternate_names: tuple[str, ...]
    description: str | None
    operator: str | None
    wikidata: tuple[str, ...]
    wikipedia: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]
    established: int | None
    location: Location


def read_namespace_basics(fields: Fields, identity: tuple[str, str]) -> NamespaceBasics:
    """The namespace fields of a file's top mapping that do not depend on its format.

    :param identity: the file's type and namespace, from :func:`read_identity`.
    """
    context = fields.context
    type_name, namespace = identity
    return NamespaceBasics(
        type=type_name,
        namespace=namespace,
        files=(context.file,),
        status=fields.text("status"),
        status_notes=fields.text("status_notes"),
        common_name=fields.text("common_name"),
        alternate_names=fields.texts("alternate_names"),
        description=fields.text("description"),
        operator=fields.text("operator"),
        wikidata=fields.texts("wikidata"),
        wikipedia=fields.texts("wikipedia"),
        tags=read_tags(fields),
        established=fields.integer("established"),
        location=replace(context.location(("namespace",)), field=None),
    )


def read_example(item: Item, context: FileContext) -> Example | None:
    """An example: a plain string, or ``{input, url?, note?, version?, variables?}``."""
    location = context.location(item.path)
    if isinstance(item.value, str):
        return Example(value=item.value, location=location)
    fields = item.fields(context, "a string or a mapping")
    if fields is None:
        return None
    value = fields.text("input") if fields.has("input") else fields.text("value", required=True)
    if value is None:
        return None
    variables = fields.mapping("variables", user_keys=True)
    pairs: list[tuple[str, str]] = []
    if variables is not None:
        for key in variables.data:
            text = variables.text(key)
            if text is not None:
                pairs.append((key, text))
    return Example(
        value=value,
        url=fields.text("url"),
        note=read_note(fields),
        version=fields.text("version"),
        variables=tuple(pairs),
        extras=fields.extras(),
        location=location,
    )


def read_version(item: Item, context: FileContext) -> Version | None:
    """A version: a plain string, or ``{version, status?, release_date?, url?, note?}``."""
    location = context.location(item.path)
    if isinstance(item.value, str):
        return Version(value=item.value, location=location)
    if isinstance(item.value, int | float) and not isinstance(item.value, bool):
        context.report(
            item.path, f"expected a string, found {describe(item.value)} (quote the version)"
        )
        return Version(value=str(item.value), location=location)
    found = _mapping_with(item, context, "version")
    if found is None:
        return None
    fields, value = found
    return Version(
        value=value,
        status=fields.text("status"),
        release_date=fields.text("release_date"),
        url=fields.text("url"),
        note=read_note(fields),
        extras=fields.extras(),
        location=location,
    )


def read_url_object(item: Item, context: FileContext) -> Url | None:
    """A JSON-style URL object ``{type, url, note?, format?, ...}``."""
    fields = item.fields(context)
    if fields is None:
        return None
    kind = fields.text("type", required=True)
    value = fields.text("url", required=True)
    if kind is None or value is None:
        return None
    content_type = (
        fields.text("content_type") if fields.has("content_type") else fields.text("format")
    )
    return Url(
        kind=kind,
        value=value,
        note=read_note(fields),
        content_type=content_type,
        extras=fields.extras(),
        location=context.location(fields.at("url")),
    )


def read_variable(name: str, item: Item, context: FileContext) -> Variable | None:
    """A URL-template variable ``{extract?, format?, description?}``."""
    fields = item.fields(context)
    if fields is None:
        return None
    return Variable(
        name=name,
        extract=fields.text("extract"),
        format=fields.text("format"),
        description=fields.text("description"),
        extras=fields.extras(),
        location=context.location(item.path),
    )


def checked_pattern(regex: str, path: KeyPath, context: FileContext) -> str | None:
    """``regex``, or ``None`` (and an error) when it is longer than :data:`MAX_PATTERN_LENGTH`."""
    if len(regex) <= MAX_PATTERN_LENGTH:
        return regex
    message = f"the pattern is longer than {MAX_PATTERN_LENGTH} characters; it is not used"
    context.report(path, message)
    return None


def read_id_pattern(item: Item, context: FileContext) -> IdPattern | None:
    """A pattern: a regex string, or ``{pattern, description?, type?, ...}``."""
    location = context.location(item.path)
    if isinstance(item.value, str):
        regex = checked_pattern(item.value, item.path, context)
        return None if regex is None else IdPattern(regex=regex, location=location)
    found = _mapping_with(item, context, "pattern")
    if found is None:
        return None
    fields, regex = found
    if checked_pattern(regex, fields.at("pattern"), context) is None:
        return None
    return IdPattern(
        regex=regex,
        description=fields.text("description"),
        kind=fields.text("type"),
        extras=fields.extras(),
        location=location,
    )


def _mapping_with(item: Item, context: FileContext, key: str) -> tuple[Fields, str] | None:
    """The mapping form of a string-or-mapping value, with its required ``key``.

    ``None`` after reporting, when the item is neither a mapping nor holds a string ``key``.
    """
    fields = item.fields(context, "a string or a mapping")
    if fields is None:
        return None
    value = fields.text(key, required=True)
    return None if value is None else (fields, value)


def read_note(fields: Fields) -> str | None:
    """``note`` or, in files that spell it so, ``notes`` (both kept when both exist)."""
    notes = [text for text in (fields.text("note"), fields.text("notes")) if text]
    return "\n\n".join(notes) if notes else None


def read_tags(fields: Fields) -> tuple[tuple[str, str], ...]:
    """``tags: {country: [...], region: "..."}`` as ``(key, value)`` pairs."""
    tags = fields.mapping("tags", user_keys=True)
    if tags is None:
        return ()
    return tuple((key, value) for key in tags.data for value in tags.texts(key))
