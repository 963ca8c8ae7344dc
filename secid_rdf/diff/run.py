"""``secid-rdf diff``: compare the graphs of two registries, namespace by namespace.

Both registries are read (parsed files come from a cache keyed by content,
:mod:`secid_rdf.diff.file_cache`). A namespace whose model is equal on both sides gives the
same quads on both sides, so only the other namespaces are converted and compared; the
SecID types and the shared concepts (URL kinds, tags) are recomputed whole, which is cheap.
Each namespace is converted on its own, without the commit the registry sits at, so a
diff shows what the registry's content changed and nothing about where it was read from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Quad

from secid_rdf.convert.builder import convert_concepts, convert_part, convert_types
from secid_rdf.diff.changes import GroupChange, RegistryDiff
from secid_rdf.diff.file_cache import CachedParser
from secid_rdf.diff.graph_diff import group_change
from secid_rdf.diff.resolution_diff import example_check_changes, resolution_changes
from secid_rdf.findings import Finding
from secid_rdf.iris import DEFAULT_BASE, check_base
from secid_rdf.model import Namespace, Registry
from secid_rdf.read.registry import cyclic_gc_paused, parse_namespace_files, read_registry
from secid_rdf.resolve.examples import example_secids

__all__ = ["CONCEPTS_GROUP", "TYPES_GROUP", "DiffResult", "diff_registries"]

TYPES_GROUP = "SecID types"
"""The group name of the changes to the type resources."""

CONCEPTS_GROUP = "concepts"
"""The group name of the changes to the shared concepts (URL kinds, tags)."""


@dataclass(frozen=True)
class DiffResult:
    """The changes, the quads that turn the old graph into the new one, and the findings.

    The findings are what reading the new side met (a file that does not parse shows as
    its namespace removed, and its finding says why).
    """

    diff: RegistryDiff
    removed: frozenset[Quad]
    added: frozenset[Quad]
    findings: tuple[Finding, ...] = ()


def diff_registries(
    old: Path,
    new: Path,
    *,
    old_label: str | None = None,
    new_label: str | None = None,
    base: str = DEFAULT_BASE,
    use_cache: bool = True,
) -> DiffResult:
    """Compare the registries in the folders ``old`` and ``new``.

    :param use_cache: ``False`` parses every file without reading or writing the cache.
    :raises RegistryNotFoundError: when a folder is not a registry.
    """
    base = check_base(base)
    parse = CachedParser() if use_cache else parse_namespace_files
    with cyclic_gc_paused():  # one pause for both sides: 0.1 s less on the May 2026 registry
        before, after = read_registry(old, parse=parse), read_registry(new, parse=parse)
        result = _diff(before, after, base)
    named = dataclasses.replace(result.diff, old=old_label or str(old), new=new_label or str(new))
    return dataclasses.replace(result, diff=named)


def _diff(before: Registry, after: Registry, base: str) -> DiffResult:
    """The diff of two registries read (see :func:`diff_registries`)."""
    old_ns, new_ns = _by_secid(before), _by_secid(after)
    changed = sorted(s for s in old_ns.keys() | new_ns.keys() if old_ns.get(s) != new_ns.get(s))
    old_quads = {s: _quads(old_ns.get(s), base) for s in changed}
    new_quads = {s: _quads(new_ns.get(s), base) for s in changed}
    groups: list[GroupChange] = []
    removed: set[Quad] = set()
    added: set[Quad] = set()
    wholes = (
        (
            TYPES_GROUP,
            convert_types(before, base=base).quads,
            convert_types(after, base=base).quads,
        ),
        (CONCEPTS_GROUP, *_concepts(old_ns, new_ns, changed, base)),
    )
    for name, old_side, new_side in (
        *wholes,
        *((s, old_quads[s], new_quads[s]) for s in changed),
    ):
        olds, news = frozenset(old_side), frozenset(new_side)
        removed |= olds - news
        added |= news - olds
        group = group_change(name, olds, news, base=base)
        if group is None:
            continue
        if name in old_ns.keys() | new_ns.keys():
            group = _with_effects(
                group,
                old_ns.get(name),
                new_ns.get(name),
                _related(name, old_ns, old_quads, base),
                _related(name, new_ns, new_quads, base),
            )
        groups.append(group)
    diff = RegistryDiff(
        old=str(before.root),
        new=str(after.root),
        groups=tuple(groups),
        triples_removed=len(removed),
        triples_added=len(added),
    )
    return DiffResult(diff, frozenset(removed), frozenset(added), after.findings)


def _by_secid(registry: Registry) -> dict[str, Namespace]:
    """The namespaces of a registry by SecID (a repeated one: the first, as converted)."""
    found: dict[str, Namespace] = {}
    for namespace in registry.namespaces:
        found.setdefault(namespace.secid, namespace)
    return found


def _concepts(
    old_ns: Mapping[str, Namespace],
    new_ns: Mapping[str, Namespace],
    changed: Sequence[str],
    base: str,
) -> tuple[set[Quad], set[Quad]]:
    """The concepts each side declares; those of the namespaces both share are found once."""
    unchanged = set(
        convert_concepts((ns for s, ns in old_ns.items() if s not in changed), base=base)
    )
    return tuple(  # type: ignore[return-value]
        unchanged | set(convert_concepts((side[s] for s in changed if s in side), base=base))
        for side in (old_ns, new_ns)
    )


def _quads(namespace: Namespace | None, base: str) -> frozenset[Quad]:
    """The quads of one namespace converted on its own (none for an absent one)."""
    if namespace is None:
        return frozenset()
    return frozenset(convert_part([namespace], base=base).quads)


def _related(
    secid: str,
    namespaces: Mapping[str, Namespace],
    converted: Mapping[str, frozenset[Quad]],
    base: str,
) -> list[Quad]:
    """The quads of every namespace a SecID under ``secid`` may resolve in.

    That is ``secid`` itself and the namespaces of its type one is a ``/``-prefix of the
    other (``github.com`` and ``github.com/advisories``), converted when not yet.
    """
    quads: list[Quad] = []
    for other, namespace in namespaces.items():
        if other == secid or other.startswith(secid + "/") or secid.startswith(other + "/"):
            quads.extend(converted.get(other) or _quads(namespace, base))
    return quads


def _with_effects(
    group: GroupChange,
    old: Namespace | None,
    new: Namespace | None,
    old_quads: Iterable[Quad],
    new_quads: Iterable[Quad],
) -> GroupChange:
    """``group`` with its example checks and the resolution of its examples compared."""
    secids: Sequence[str] = sorted(
        {*(example_secids(old) if old else ()), *(example_secids(new) if new else ())}
    )
    resolutions, same = resolution_changes(secids, old_quads, new_quads)
    now_failing, now_matching = example_check_changes(old, new)
    return dataclasses.replace(
        group,
        resolutions=resolutions,
        unchanged_resolutions=same,
        now_failing=now_failing,
        now_matching=now_matching,
    )
