"""Match one SecID lookup against the resolution table and say what it found.

The status model is the official SecID resolver's:

- ``found``: an entry took every part of the SecID; its filled templates and lookup-table
  entries (or, when the SecID names the entry itself, its own pages) are the URLs;
- ``related``: only a broader entry matched; its own pages are given, with the part that
  matched nothing (``unmatched``). No template is filled from a part no entry took;
- ``corrected``: the name matched no source, but name and subpath together are an item of a
  source of the namespace: that item's URLs, each with the corrected SecID;
- ``not_found``: no namespace, no item anywhere in the type, or qualifiers that exclude
  every URL (an unknown ``lang``, a ``content_type`` no URL has).

A name with no namespace (``secid:advisory/CVE-2021-44228``) is searched across every
source of the type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from secid_rdf.resolve.fill import fill_template, placeholders
from secid_rdf.resolve.patterns import matches
from secid_rdf.resolve.request import Request
from secid_rdf.resolve.table import Entry, Regex
from secid_rdf.resolve.values import placeholder_values

__all__ = [
    "STATUSES",
    "Lookup",
    "Resolution",
    "ResolvedUrl",
    "resolve_request",
]

STATUSES = ("found", "corrected", "related", "not_found", "error")
"""Every status a :class:`Resolution` can have (``error``: the input is not a SecID)."""


class Lookup(Protocol):
    """Where namespaces are looked up: a whole table, or one filled from a remote store."""

    def split(self, type_name: str, path: str) -> tuple[Entry | None, str, str]:
        """The longest namespace that prefixes ``path``, the namespace and the rest."""
        ...

    def of_type(self, type_name: str) -> Iterable[tuple[str, Entry]]:
        """Every (namespace, entry) of a type."""
        ...


@dataclass(frozen=True)
class ResolvedUrl:
    """One URL a SecID resolves to, with the entry that gave it.

    ``kind`` is ``template`` (a URL template filled in), ``lookup`` (a lookup-table entry)
    or ``page`` (a link of the entry itself); ``secid`` is the SecID the URL is for when it
    differs from the one asked (a corrected or searched one).
    """

    url: str
    weight: int | None
    entry: str
    kind: str
    content_type: str | None = None
    secid: str | None = None


@dataclass(frozen=True)
class Resolution:
    """The answer for one SecID: a status, its URLs (highest weight first) and why.

    ``unmatched`` is (part, text) of the first part no entry took when the status is
    ``related`` (part: ``name``, ``version``, ``subpath`` or ``item_version``).
    """

    secid: str
    status: str
    urls: tuple[ResolvedUrl, ...] = ()
    message: str | None = None
    unmatched: tuple[str, str] | None = None


@dataclass(frozen=True)
class _Hit:
    """An entry reached by matching: how many parts it took and the text it matched."""

    entry: Entry
    parent: Entry | None
    consumed: int
    text: str | None
    is_item: bool


_Part = tuple[str, str]


def resolve_request(request: Request, lookup: Lookup) -> Resolution:
    """The answer for one lookup (see the module docstring for the statuses)."""
    namespace_entry, namespace, name = lookup.split(request.type, request.path)
    if namespace_entry is None:
        first = request.path.split("/", 1)[0]
        if "." not in first:
            return _type_search(request, lookup, request.path)
        return Resolution(
            request.text,
            "not_found",
            message=f"namespace {first!r} not found in type {request.type!r}",
        )
    qualifiers = dict(request.qualifiers)
    if not name:
        parts = _parts(request)
        if parts:
            return _related(request, namespace_entry, parts[0], "the namespace")
        return _found(request, _own_pages(namespace_entry), qualifiers)
    source = next((s for s in namespace_entry.children if _takes_name(s, name)), None)
    if source is None:
        if any(matches(regex, name) for regex in namespace_entry.id_patterns):
            hit = _Hit(namespace_entry, None, 0, name, is_item=True)
            return _answer(request, [hit], 0, _parts(request), qualifiers)
        return _search_namespace(request, lookup, namespace, namespace_entry, name)
    if source.version_required and request.subpath:
        refused = _unversioned(request, source, f"secid:{request.type}/{namespace}/{name}")
        if refused is not None:
            return refused
    name_is_item = source.name is None
    best_hits: list[_Hit] = []
    best_parts: list[_Part] = []
    for parts in _readings(request):
        start = _Hit(source, namespace_entry, 0, name if name_is_item else None, name_is_item)
        hits = _walk(start, parts)
        if not best_hits or hits[0].consumed - len(parts) > best_hits[0].consumed - len(best_parts):
            best_hits, best_parts = hits, parts
    return _answer(request, best_hits, best_hits[0].consumed, best_parts, qualifiers)


def _unversioned(request: Request, source: Entry, label: str) -> Resolution | None:
    """The answer when a source that requires a version gets an item without a known one.

    No version: ``related`` (the source's pages); a version none of its children takes:
    ``not_found``. ``None`` when the version is one of the source's.
    """
    if request.version is None:
        return Resolution(
            request.text,
            "related",
            _ordered(_own_pages(source)),
            message=f"{label} requires a version (@version) before an item",
            unmatched=("version", ""),
        )
    if any(_takes(child.patterns, request.version) for child in source.children):
        return None
    return Resolution(
        request.text, "not_found", message=f"version {request.version!r} of {label} not found"
    )


def _parts(request: Request) -> list[_Part]:
    """The parts after the name, in the order match nodes take them."""
    parts = []
    if request.version:
        parts.append(("version", request.version))
    if request.subpath:
        parts.append(("subpath", request.subpath))
    return parts


def _readings(request: Request) -> Iterator[list[_Part]]:
    """The parts, then (when the subpath holds ``@``) with an item version split off."""
    parts = _parts(request)
    yield parts
    if request.subpath and "@" in request.subpath:
        head, _, tail = request.subpath.rpartition("@")
        if head and tail and "/" not in tail:
            yield [*parts[:-1], ("subpath", head), ("item_version", tail)]


def _takes_name(source: Entry, name: str) -> bool:
    """A source takes a name by one of its patterns, or (no patterns) by its literal name."""
    if source.patterns:
        return any(matches(regex, name) for regex in source.patterns)
    return source.name is not None and source.name.casefold() == name.casefold()


def _walk(hit: _Hit, parts: Sequence[_Part]) -> list[_Hit]:
    """The deepest entries below ``hit`` that take the parts in order, one per level."""
    if hit.consumed == len(parts):
        return [hit]
    kind, text = parts[hit.consumed]
    entry = hit.entry
    children = [child for child in entry.children if _takes(child.patterns, text)]
    if not children:
        if kind == "version" and not entry.version_required:
            # a version the tree does not branch on: a value for {version}, not a level
            return _walk(_Hit(entry, hit.parent, hit.consumed + 1, hit.text, hit.is_item), parts)
        if kind == "subpath" and not entry.children and _takes(entry.id_patterns, text):
            # a source that lists its items by id pattern (Markdown) takes the subpath
            return _walk(_Hit(entry, hit.parent, hit.consumed + 1, text, True), parts)
        return [hit]
    deeper = [
        found
        for child in children
        for found in _walk(_Hit(child, entry, hit.consumed + 1, text, kind != "version"), parts)
    ]
    most = max(found.consumed for found in deeper)
    return [found for found in deeper if found.consumed == most]


def _takes(patterns: Sequence[Regex], text: str) -> bool:
    """True when one of the patterns matches the text."""
    return any(matches(regex, text) for regex in patterns)


def _answer(
    request: Request,
    hits: Sequence[_Hit],
    consumed: int,
    parts: Sequence[_Part],
    qualifiers: dict[str, str],
) -> Resolution:
    """``found`` with the URLs of the hits when they took every part, else ``related``."""
    if consumed < len(parts):
        where = hits[0].entry.secid or request.text.partition("#")[0]
        return _related(request, hits[0].entry, parts[consumed], where)
    refused = _refused_lang(hits, qualifiers)
    if refused is not None:
        return Resolution(request.text, "not_found", message=refused)
    item_version = next((text for kind, text in parts if kind == "item_version"), None)
    urls: list[ResolvedUrl] = []
    for hit in hits:
        if hit.is_item and hit.text is not None:
            urls.extend(_item_urls(hit, request, item_version, qualifiers))
        else:
            urls.extend(_own_pages(hit.entry))
    return _found(request, urls, qualifiers)


def _found(request: Request, urls: Iterable[ResolvedUrl], qualifiers: dict[str, str]) -> Resolution:
    """``found``, after the ``content_type`` qualifier has kept only the URLs it names."""
    ordered = _ordered(urls)
    wanted = qualifiers.get("content_type")
    if wanted is not None and ordered:
        kept = tuple(url for url in ordered if url.content_type == wanted)
        if not kept:
            available = sorted({url.content_type for url in ordered if url.content_type})
            return Resolution(
                request.text,
                "not_found",
                message=f"no URL with content_type {wanted!r}; available: "
                + (", ".join(available) or "none declared"),
            )
        ordered = kept
    return Resolution(request.text, "found", ordered)


def _related(request: Request, entry: Entry, part: _Part, where: str) -> Resolution:
    """``related``: the pages of the deepest entry matched, and the part that matched nothing."""
    kind, text = part
    return Resolution(
        request.text,
        "related",
        _ordered(_own_pages(entry)),
        message=f"{kind.replace('_', ' ')} {text!r} matches nothing below {where}; "
        "its own pages are given",
        unmatched=part,
    )


def _refused_lang(hits: Sequence[_Hit], qualifiers: dict[str, str]) -> str | None:
    """Why a ``lang`` qualifier excludes every URL, or ``None`` when it does not."""
    wanted = qualifiers.get("lang")
    if wanted is None:
        return None
    choices = {
        choice
        for hit in hits
        for variable in hit.entry.variables
        if variable.name == "lang"
        for choice in variable.choices
    }
    if not choices or wanted in choices:
        return None
    return f"lang {wanted!r} is not available; available: {', '.join(sorted(choices))}"


def _item_urls(
    hit: _Hit,
    request: Request,
    item_version: str | None,
    qualifiers: dict[str, str],
    *,
    secid: str | None = None,
) -> Iterator[ResolvedUrl]:
    """The filled templates and lookup-table entries of an entry that matched an item."""
    entry, text = hit.entry, hit.text or ""
    notes = (*(hit.parent.notes if hit.parent else ()), *entry.notes)
    for template in entry.templates:
        values = placeholder_values(
            entry,
            template.text,
            text,
            version=request.version,
            item_version=item_version,
            qualifiers=qualifiers,
            notes=notes,
        )
        url = fill_template(template.text, values)
        if url is not None:
            yield ResolvedUrl(
                url, entry.weight, entry.iri, "template", template.content_type, secid
            )
    for key, target in entry.known:
        if key == text:
            yield ResolvedUrl(target, entry.weight, entry.iri, "lookup", None, secid)


def _own_pages(entry: Entry) -> Iterator[ResolvedUrl]:
    """An entry's links, and its URL templates that have no placeholder (fixed pages)."""
    for link in entry.pages:
        yield ResolvedUrl(link.text, entry.weight, entry.iri, "page", link.content_type)
    for template in entry.templates:
        if not placeholders(template.text):
            yield ResolvedUrl(template.text, entry.weight, entry.iri, "page", template.content_type)


def _search_namespace(
    request: Request, lookup: Lookup, namespace: str, namespace_entry: Entry, name: str
) -> Resolution:
    """A name no source takes: an item of the namespace (corrected), of the type, or related."""
    identifier = name + (request.subpath or "")
    matched, urls = _search(request, [(namespace, namespace_entry)], identifier)
    if matched:
        return Resolution(
            request.text,
            "corrected",
            _ordered(urls),
            message=f"{name!r} is no source of {namespace!r}; read as an item of its sources",
        )
    searched = _type_search(request, lookup, name)
    if searched.status == "found":
        return searched
    return _related(request, namespace_entry, ("name", name), f"secid:{request.type}/{namespace}")


def _type_search(request: Request, lookup: Lookup, identifier: str) -> Resolution:
    """Every item of every source of the type that the identifier matches."""
    matched, urls = _search(request, lookup.of_type(request.type), identifier)
    if not matched:
        return Resolution(
            request.text,
            "not_found",
            message=f"no source of type {request.type!r} has an item {identifier!r}",
        )
    return Resolution(request.text, "found", _ordered(urls))


def _search(
    request: Request, namespaces: Iterable[tuple[str, Entry]], identifier: str
) -> tuple[bool, list[ResolvedUrl]]:
    """Whether a child of a source matches ``identifier``, and the URLs of those that do."""
    matched = False
    urls: list[ResolvedUrl] = []
    qualifiers = dict(request.qualifiers)
    for namespace, entry in namespaces:
        for source in entry.children:
            for child in source.children:
                if not _takes(child.patterns, identifier):
                    continue
                matched = True
                base = source.secid or f"secid:{request.type}/{namespace}/{source.name or ''}"
                hit = _Hit(child, source, 1, identifier, True)
                urls.extend(
                    _item_urls(hit, request, None, qualifiers, secid=f"{base}#{identifier}")
                )
    return matched, urls


def _ordered(urls: Iterable[ResolvedUrl]) -> tuple[ResolvedUrl, ...]:
    """Highest weight first, filled templates before pages, each URL once."""
    ranked = sorted(
        urls,
        key=lambda u: (-(u.weight or 0), u.kind == "page", u.url, u.entry, u.kind),
    )
    seen: set[str] = set()
    unique = []
    for resolved in ranked:
        if resolved.url not in seen:
            seen.add(resolved.url)
            unique.append(resolved)
    return tuple(unique)
