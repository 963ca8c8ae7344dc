"""Count what a registry holds, so a reader change that drops or adds data shows at once.

Counts are split by the format a fact came from (the file its location names), because
the formats count different things: a JSON ``match_nodes`` entry, a Markdown ``sources``
or ``names`` entry, a JSON ``urls[]`` object, a Markdown ``urls`` key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass

from secid_rdf.findings import Severity
from secid_rdf.model import Example, MatchNode, Namespace, Registry, Source, Url

__all__ = ["RegistryStats", "registry_stats"]


@dataclass
class RegistryStats:
    """Counts over one registry; :meth:`lines` renders them in a fixed order.

    Keys of the counters: ``files`` is ``(type, format)``; ``sources`` is the origin
    (``json match_nodes``, ``markdown sources``, ``markdown names``); ``match_nodes`` is
    the depth of JSON match nodes; the others are ``json``/``markdown``.
    """

    types: tuple[str, ...] = ()
    files: Counter[tuple[str, str]] = field(default_factory=Counter)
    namespaces: int = 0
    distinct_namespaces: Counter[str] = field(default_factory=Counter)
    twins: int = 0
    sources: Counter[str] = field(default_factory=Counter)
    literal_sources: int = 0
    match_nodes: Counter[int] = field(default_factory=Counter)
    urls: Counter[str] = field(default_factory=Counter)
    url_templates: Counter[str] = field(default_factory=Counter)
    patterns: Counter[str] = field(default_factory=Counter)
    examples: Counter[str] = field(default_factory=Counter)
    versions: Counter[str] = field(default_factory=Counter)
    variables: int = 0
    extras: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """The report, one fact per line, the same bytes for the same registry."""
        per_type = []
        for type_name in self.types:
            counts = [f"{self.files[(type_name, fmt)]} {fmt}" for fmt in ("json", "markdown")]
            per_type.append(f"  {type_name}: {', '.join(counts)}")
        extras = [f"  {path}: {count}" for path, count in sorted(self.extras.items())]
        names = self.distinct_namespaces
        depths = ", ".join(
            f"depth {depth}: {count}" for depth, count in sorted(self.match_nodes.items())
        )
        return [
            f"types: {len(self.types)} ({', '.join(self.types)})",
            f"namespace files: {sum(self.files.values())} ({_split(self.files_by_format())})",
            *per_type,
            f"namespaces: {self.namespaces} ({self.twins} from a JSON and Markdown twin pair)",
            (
                f"distinct namespace names: {names['all']}"
                f" (json {names['json']}, markdown {names['markdown']})"
            ),
            (
                f"sources: {sum(self.sources.values())} ({_split(self.sources)}); with a literal"
                f" name: {self.literal_sources}"
            ),
            f"match nodes: {sum(self.match_nodes.values())} ({depths or 'none'})",
            f"urls: {sum(self.urls.values())} ({_split(self.urls)})",
            f"url templates: {sum(self.url_templates.values())} ({_split(self.url_templates)})",
            f"patterns: {sum(self.patterns.values())} ({_split(self.patterns)})",
            f"examples: {sum(self.examples.values())} ({_split(self.examples)})",
            f"versions: {sum(self.versions.values())} ({_split(self.versions)})",
            f"variables: {self.variables}",
            f"extra keys: {sum(self.extras.values())}",
            *extras,
            f"findings: {self.findings['error']} errors, {self.findings['warning']} warnings",
        ]

    def files_by_format(self) -> Counter[str]:
        """Namespace files per format, over all types."""
        result: Counter[str] = Counter()
        for (_, fmt), count in self.files.items():
            result[fmt] += count
        return result


def _split(counter: Counter[str]) -> str:
    """``json 12, markdown 3`` (sorted keys, zero counts left out)."""
    return ", ".join(f"{key} {count}" for key, count in sorted(counter.items()) if count) or "none"


def _format(location_file: str) -> str:
    return "json" if location_file.endswith(".json") else "markdown"


def registry_stats(registry: Registry) -> RegistryStats:
    """Count the namespaces, sources, match nodes, URLs ... of a registry.

    >>> from secid_rdf.read.registry import read_registry
    >>> from secid_rdf.resources import bundled_registry_path
    >>> stats = registry_stats(read_registry(bundled_registry_path()))
    >>> stats.findings["error"]
    0
    """
    stats = RegistryStats(types=tuple(t.name for t in registry.types))
    names: dict[str, set[str]] = {"all": set(), "json": set(), "markdown": set()}
    for namespace in registry.namespaces:
        stats.namespaces += 1
        stats.twins += namespace.format == "json+markdown"
        names["all"].add(namespace.namespace)
        for file in namespace.files:
            fmt = _format(file)
            stats.files[(namespace.type, fmt)] += 1
            names[fmt].add(namespace.namespace)
        _count_namespace(stats, namespace)
    for secid_type in registry.types:
        _count_extras(stats, secid_type)
    stats.distinct_namespaces = Counter({key: len(value) for key, value in names.items()})
    stats.findings = Counter(
        f.severity.label for f in registry.findings if f.severity >= Severity.WARNING
    )
    return stats


def _count_namespace(stats: RegistryStats, namespace: Namespace) -> None:
    _count_common(stats, namespace.urls, namespace.examples)
    _count_extras(stats, namespace)
    for pattern in namespace.id_patterns:
        stats.patterns[f"{_format(pattern.location.file)} id_pattern"] += 1
    for source in namespace.sources:
        field_path = source.location.field or ""
        origin = (
            "json match_nodes"
            if source.location.file.endswith(".json")
            else ("markdown names" if field_path.startswith("names.") else "markdown sources")
        )
        stats.sources[origin] += 1
        stats.literal_sources += source.name is not None
        for node, depth in _walk(source, 0):
            _count_node(stats, node, depth)


def _walk(node: MatchNode, depth: int) -> Iterator[tuple[MatchNode, int]]:
    yield node, depth
    for child in node.children:
        yield from _walk(child, depth + 1)


def _count_node(stats: RegistryStats, node: MatchNode, depth: int) -> None:
    if node.location.file.endswith(".json") and (depth > 0 or isinstance(node, Source)):
        stats.match_nodes[depth] += 1
    for pattern in node.patterns:
        stats.patterns[f"{_format(pattern.location.file)} match pattern"] += 1
    for pattern in node.id_patterns:
        stats.patterns[f"{_format(pattern.location.file)} id_pattern"] += 1
    if node.url_template is not None:
        stats.url_templates["json data.url"] += 1
    for version in node.versions:
        stats.versions[_format(version.location.file)] += 1
    stats.variables += len(node.variables)
    _count_common(stats, node.urls, node.examples)
    _count_extras(stats, node)


def _count_common(
    stats: RegistryStats, urls: tuple[Url, ...], examples: tuple[Example, ...]
) -> None:
    for url in urls:
        fmt = _format(url.location.file)
        stats.urls[f"{fmt} urls[]" if fmt == "json" else f"{fmt} urls"] += 1
        if url.is_template:
            stats.url_templates[f"{fmt} urls with placeholders"] += 1
    for example in examples:
        stats.examples[_format(example.location.file)] += 1


def _count_extras(stats: RegistryStats, value: object) -> None:
    """Count the extras of every model object inside ``value``.

    Children and sources are left out: each match node counts its own extras.
    """
    for item in getattr(value, "extras", ()):
        stats.extras[item.path] += 1
    if not is_dataclass(value):
        return
    for attribute in fields(value):
        if attribute.name in {"extras", "children", "sources", "location", "field_locations"}:
            continue
        inner = getattr(value, attribute.name)
        for part in inner if isinstance(inner, tuple) else (inner,):
            if is_dataclass(part):
                _count_extras(stats, part)
