"""Read one Markdown namespace file (YAML frontmatter + body) into a :class:`Namespace`.

The frontmatter runs from a first line ``---`` to the next line that is exactly ``---``;
later ``---`` lines are horizontal rules of the body. python-frontmatter finds and splits
it; the YAML is then composed here, line by line (:mod:`secid_rdf.read.located`), so that
every value keeps its line. ``sources`` and ``names`` entries
become :class:`Source` objects. The body is prose: each ``## <source>`` section goes to
that source, the rest to the namespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontmatter.default_handlers import YAMLHandler

from secid_rdf.model import IdPattern, Namespace, Source, Url
from secid_rdf.read.fields import Fields, FileContext, Item
from secid_rdf.read.located import ParseError
from secid_rdf.read.shared_objects import (
    checked_pattern,
    read_example,
    read_id_pattern,
    read_identity,
    read_namespace_basics,
    read_note,
    read_version,
)
from secid_rdf.secid import SecID, format_secid

__all__ = [
    "Frontmatter",
    "namespace_from_markdown",
    "split_frontmatter",
    "split_prose",
]

_NAMESPACE_KEYS: dict[str, str | tuple[str, ...]] = {
    "status": "status",
    "status_notes": "status_notes",
    "official_name": "full_name",
    "common_name": "common_name",
    "alternate_names": "alternate_names",
    "description": "description",
    "notes": ("notes", "note"),
    "operator": "operator",
    "urls": ("urls", "website"),
    "wikidata": "wikidata",
    "wikipedia": "wikipedia",
    "tags": "tags",
    "established": "established",
    "sources": ("sources", "names"),
    "id_patterns": ("id_pattern", "id_patterns"),
    "examples": "examples",
}
_SOURCE_KEYS: dict[str, str | tuple[str, ...]] = {
    "official_name": "full_name",
    "common_name": "common_name",
    "alternate_names": "alternate_names",
    "description": "description",
    "notes": ("notes", "note"),
    "status": "status",
    "urls": "urls",
    "id_patterns": ("id_pattern", "id_patterns"),
    "examples": "examples",
    "versions": "versions",
    "version_required": "version_required",
    "unversioned_behavior": "unversioned_behavior",
    "deprecated_by": "deprecated_by",
    "deprecated_date": "deprecated_date",
    "cross_references": "cross_references",
}
_FRONTMATTER = YAMLHandler(fm_boundary=re.compile(r"^---[ \t]*$", re.MULTILINE))
"""python-frontmatter's YAML handler, with the registry's delimiter: a line that is exactly
``---`` (trailing blanks allowed). Its default boundary, ``^-{3,}\\s*$``, also takes ``----``
and runs on across the blank lines after a delimiter: in 22 of the 267 Markdown namespace
files of the two snapshots that moves every YAML line number (see ``docs/reader.md``)."""
_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"\A(?:\s*(?:-{3,}|\*{3,}|_{3,})\s*)+\Z")


@dataclass(frozen=True)
class Frontmatter:
    """A Markdown file split in two: the YAML text and the body, with their first lines."""

    yaml: str
    body: str
    body_line: int


def split_frontmatter(text: str) -> Frontmatter | None:
    """Split a Markdown file at its frontmatter delimiters.

    :returns: ``None`` when the file has no frontmatter (a plain document).
    :raises ParseError: when the opening ``---`` has no closing line.

    >>> split_frontmatter("---\\ntype: advisory\\n---\\nbody\\n---\\nmore\\n")
    Frontmatter(yaml='type: advisory\\n', body='body\\n---\\nmore\\n', body_line=4)
    >>> split_frontmatter("# Just a document\\n") is None
    True
    """
    if not _FRONTMATTER.detect(text):
        return None
    try:
        yaml_text, body = _FRONTMATTER.split(text)
    except ValueError:  # one delimiter only
        raise ParseError("frontmatter starts with '---' but has no closing '---' line", 1) from None
    yaml_text = yaml_text.removeprefix("\n")  # the end of the opening line
    # the body starts after the opening line, the YAML lines and the closing line
    return Frontmatter(yaml_text, body.removeprefix("\n"), yaml_text.count("\n") + 3)


def split_prose(body: str, names: list[str]) -> tuple[str | None, dict[str, str]]:
    """Split a body into the namespace's prose and one section per ``## <name>`` heading.

    A heading names a source when its text (without backticks) equals the source name,
    or equals it ignoring case. Headings inside fenced code blocks do not count. A section
    runs to the next ``##`` heading; horizontal rules at the edges of a part are dropped.

    >>> body = "Intro\\n\\n---\\n\\n## cve\\n\\nAbout CVE.\\n\\n## Notes\\n\\nMore.\\n"
    >>> split_prose(body, ["cve"])
    ('Intro\\n\\n## Notes\\n\\nMore.', {'cve': 'About CVE.'})
    """
    by_exact = {name: name for name in names}
    by_folded = {name.casefold(): name for name in names}
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    fence: str | None = None
    for line in body.splitlines():
        opening = _FENCE.match(line)
        if opening:
            marker = opening.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
        heading = _HEADING.match(line) if fence is None else None
        if heading:
            title = heading.group(1).strip().strip("`").strip()
            owner = by_exact.get(title) or by_folded.get(title.casefold())
            parts.append((owner, [] if owner else [line]))
            continue
        parts[-1][1].append(line)
    namespace_parts: list[str] = []
    sections: dict[str, list[str]] = {}
    for owner, lines in parts:
        text = _trim("\n".join(lines))
        if not text:
            continue
        if owner is None:
            namespace_parts.append(text)
        else:
            sections.setdefault(owner, []).append(text)
    prose = "\n\n".join(namespace_parts) or None
    return prose, {name: "\n\n".join(texts) for name, texts in sections.items()}


def _trim(text: str) -> str:
    """Strip blank lines and horizontal rules from both ends of a prose part."""
    paragraphs = text.strip().split("\n\n")
    while paragraphs and _RULE.match(paragraphs[0]):
        paragraphs.pop(0)
    while paragraphs and _RULE.match(paragraphs[-1]):
        paragraphs.pop()
    return "\n\n".join(paragraphs).strip()


def namespace_from_markdown(value: object, body: str, context: FileContext) -> Namespace | None:
    """Build the namespace a Markdown file describes; ``None`` when type or namespace is missing."""
    fields = Item(value, (), "").fields(context, "a YAML mapping in the frontmatter")
    if fields is None:
        return None
    identity = read_identity(fields)
    if identity is None:
        return None
    type_name, namespace = identity
    names = [*_keys(fields, "sources"), *_keys(fields, "names")]
    prose, sections = split_prose(body, names)
    reader = _SourceReader(context, type_name, namespace, sections)
    sources = reader.sources(fields, "sources") + reader.sources(fields, "names")
    urls = _urls(fields, context)
    website = fields.text("website")
    if website is not None:
        urls = (
            Url(kind="website", value=website, location=context.location(fields.at("website"))),
            *urls,
        )
    return Namespace(
        **read_namespace_basics(fields, identity),
        format="markdown",
        official_name=fields.text("full_name", required=True),
        notes=_notes(fields),
        prose=prose,
        urls=urls,
        sources=sources,
        id_patterns=_id_patterns(fields, context),
        examples=tuple(
            e for entry in fields.items("examples") if (e := read_example(entry, context))
        ),
        extras=fields.extras(),
        field_locations=fields.field_locations(_NAMESPACE_KEYS),
    )


def _keys(fields: Fields, key: str) -> list[str]:
    """The keys of a ``sources``/``names`` map, without reading it."""
    value = fields.data.get(key)
    return [str(name) for name in value] if isinstance(value, dict) else []


def _notes(fields: Fields) -> tuple[str, ...]:
    """``notes`` (a string or a list) and ``note``."""
    if isinstance(fields.data.get("notes"), list):
        return fields.texts("notes") + fields.texts("note")
    note = read_note(fields)
    return (note,) if note else ()


def _urls(fields: Fields, context: FileContext) -> tuple[Url, ...]:
    """``urls: {kind: url}``: every key is a URL kind, every value a URL or template."""
    urls = fields.mapping("urls", user_keys=True)
    if urls is None:
        return ()
    return tuple(
        Url(kind=kind, value=value, location=context.location(urls.at(kind)))
        for kind in urls.data
        if (value := urls.text(kind)) is not None
    )


def _id_patterns(fields: Fields, context: FileContext) -> tuple[IdPattern, ...]:
    """``id_pattern`` (one regex) and ``id_patterns`` (a list of pattern objects)."""
    patterns: list[IdPattern] = []
    single = fields.text("id_pattern")
    if single is not None and checked_pattern(single, fields.at("id_pattern"), context):
        patterns.append(IdPattern(regex=single, location=context.location(fields.at("id_pattern"))))
    patterns += (
        p for entry in fields.items("id_patterns") if (p := read_id_pattern(entry, context))
    )
    return tuple(patterns)


class _SourceReader:
    """Reads the ``sources``/``names`` entries of one Markdown namespace."""

    def __init__(
        self, context: FileContext, type_name: str, namespace: str, sections: dict[str, str]
    ) -> None:
        self.context = context
        self.type = type_name
        self.namespace = namespace
        self.sections = sections

    def sources(self, fields: Fields, key: str) -> tuple[Source, ...]:
        """Every entry of the map ``key``."""
        entries = fields.mapping(key, user_keys=True)
        if entries is None:
            return ()
        return tuple(
            source for entry in entries.entries() if (source := self.source(entry)) is not None
        )

    def source(self, item: Item) -> Source | None:
        """One source; its name is the map key, as written (``27001`` stays a string)."""
        context = self.context
        name = str(item.path[-1])
        if not name.strip():
            context.report(item.path, "a source needs a non-empty name")
            return None
        fields = item.fields(context)
        if fields is None:
            return None
        return Source(
            name=name,
            secid=format_secid(SecID(type=self.type, namespace=self.namespace, name=name)),
            official_name=fields.text("full_name"),
            common_name=fields.text("common_name"),
            alternate_names=fields.texts("alternate_names"),
            description=fields.text("description"),
            notes=_notes(fields),
            prose=self.sections.get(name),
            status=fields.text("status"),
            urls=_urls(fields, context),
            id_patterns=_id_patterns(fields, context),
            examples=tuple(
                e for entry in fields.items("examples") if (e := read_example(entry, context))
            ),
            versions=tuple(
                v for entry in fields.items("versions") if (v := read_version(entry, context))
            ),
            version_required=fields.boolean("version_required"),
            unversioned_behavior=fields.text("unversioned_behavior"),
            deprecated_by=fields.text("deprecated_by"),
            deprecated_date=fields.text("deprecated_date"),
            cross_references=fields.texts("cross_references"),
            extras=fields.extras(),
            field_locations=fields.field_locations(_SOURCE_KEYS),
            location=context.location(item.path),
        )
