"""Model parts both file formats share: examples, versions, URL objects, variables, patterns.

Each builder takes an :class:`~secid_rdf.fields.Item` (a value with its paths) and returns
the model object, or ``None`` after reporting why the value could not be used.
"""

from __future__ import annotations

import re

from secid_rdf.fields import Fields, FileContext, Item, describe
from secid_rdf.model import Example, IdPattern, Url, Variable, Version
from secid_rdf.secid import TYPE_PATTERN

NAMESPACE_PATTERN = re.compile(r"[^\s/@?#]+(?:/[^\s/@?#]+)*")
"""A namespace: ``/``-separated non-empty segments without spaces, ``@``, ``?`` or ``#``."""


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
    if namespace and not NAMESPACE_PATTERN.fullmatch(namespace):
        message = (
            f"namespace {namespace!r} must be '/'-separated segments without spaces, '@', '?'"
            " or '#'"
        )
        fields.context.report(fields.at("namespace"), message)
        return None
    if not type_name or not namespace:
        return None
    return type_name, namespace


__all__ = [
    "NAMESPACE_PATTERN",
    "read_example",
    "read_id_pattern",
    "read_identity",
    "read_note",
    "read_tags",
    "read_url_object",
    "read_variable",
    "read_version",
]


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
    fields = item.fields(context, "a string or a mapping")
    if fields is None:
        return None
    value = fields.text("version", required=True)
    if value is None:
        return None
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
        location=context.location(item.path),
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


def read_id_pattern(item: Item, context: FileContext) -> IdPattern | None:
    """A pattern: a regex string, or ``{pattern, description?, type?, ...}``."""
    location = context.location(item.path)
    if isinstance(item.value, str):
        return IdPattern(regex=item.value, location=location)
    fields = item.fields(context, "a string or a mapping")
    if fields is None:
        return None
    regex = fields.text("pattern", required=True)
    if regex is None:
        return None
    return IdPattern(
        regex=regex,
        description=fields.text("description"),
        kind=fields.text("type"),
        extras=fields.extras(),
        location=location,
    )


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
