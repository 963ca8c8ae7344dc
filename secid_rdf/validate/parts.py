"""A whole registry validated part by part, side by side in worker processes.

One SHACL run over a large registry's graph takes seconds in one process. Instead, the
registry is cut into the export's parts (:func:`~secid_rdf.export.partition.plan_parts`),
joined into a few groups of about equal weight, and each group is converted and validated in
a worker (:class:`~secid_rdf.export.workers.Workers`, forked once the registry is read) as
:mod:`secid_rdf.validate.incremental` validates a few files: its own nodes in
full; of the rest of the registry, the classes of the nodes it links to, taken from
:func:`~secid_rdf.convert.builder.linked_nodes` over the whole registry. Namespaces whose
IRIs extend one another stay in one part, so a repeated namespace is found as in one
conversion. The findings are those of one run over the whole graph (a test compares both
on the real registries); what every group sees (the SecID types, a concept two groups use)
is reported once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from secid_rdf.convert.builder import linked_nodes
from secid_rdf.export.partition import namespace_weight, plan_parts
from secid_rdf.export.workers import Workers, available_cores
from secid_rdf.findings import Finding
from secid_rdf.model import Namespace, Registry
from secid_rdf.validate.shacl import load_shapes, registry_findings

if TYPE_CHECKING:
    import rdflib

__all__ = ["GROUPS_PER_WORKER", "part_findings"]

GROUPS_PER_WORKER = 4
"""Groups of parts per worker. Groups of equal weight still differ in cost by a factor of
three (May corpus), so with one or two a worker that drew the slower groups keeps the
other waiting; with four the two workers end within a few tenths of a second, and the
total work is the same as with two (what every group repeats, the SecID types and the
shapes, is small)."""


@dataclass(frozen=True)
class _Plan:
    """The groups of the run in progress, each a registry with only its namespaces and twins."""

    groups: list[Registry]
    known: Mapping[str, Collection[str]]
    base: str
    engine: str
    shapes: rdflib.Graph | None


_plan: _Plan | None = None
"""Set while the workers are forked, so that each inherits the groups instead of having
them sent: pickling a large registry and its index to the workers and unpickling them
there cost more (0.7 s of CPU on the May corpus) than forking after the read."""


def part_findings(
    registry: Registry,
    *,
    base: str,
    engine: str,
    shapes: rdflib.Graph | None,
    jobs: int | None = None,
) -> list[Finding]:
    """Every finding of a registry read with the file checks, without repeats.

    The same as :func:`~secid_rdf.validate.shacl.registry_findings` gives, computed in
    worker processes forked for it (see :class:`~secid_rdf.export.workers.Workers`).

    :param jobs: worker processes (default: one per core); with 1, the groups are validated
        in this process.
    """
    global _plan
    known: dict[str, set[str]] = {}
    for iri, kind in linked_nodes(registry.namespaces, base=base):
        known.setdefault(iri, set()).add(kind)
    count = (jobs or available_cores()) * GROUPS_PER_WORKER
    groups = _groups(plan_parts(registry.namespaces, base), count)
    group_of = {(ns.type, ns.namespace): i for i, group in enumerate(groups) for ns in group}
    twins: list[list[tuple[Namespace, Namespace]]] = [[] for _ in groups]
    for pair in registry.twins:  # with the group of its merged namespace (there always is one)
        twins[group_of.get((pair[0].type, pair[0].namespace), 0)].append(pair)
    parts = [
        replace(registry, namespaces=tuple(group), findings=(), twins=tuple(pairs))
        for group, pairs in zip(groups, twins, strict=True)
    ]
    findings = list(registry.findings)
    _plan = _Plan(parts, known, base, engine, shapes)
    try:
        with Workers(jobs) as workers:
            for found in workers.ordered(_group_findings, range(len(parts))):
                findings += found
    finally:
        _plan = None
    return list(dict.fromkeys(findings))


def _groups(parts: Sequence[Sequence[Namespace]], count: int) -> list[list[Namespace]]:
    """Consecutive parts joined into ``count`` groups of about equal weight (at least one).

    A registry without namespaces still makes one group: its types are validated there.
    """
    weights = [sum(map(namespace_weight, part)) for part in parts]
    total = sum(weights)
    groups: list[list[Namespace]] = [[]]
    done = 0
    for part, weight in zip(parts, weights, strict=True):
        if groups[-1] and done >= total * len(groups) / count:
            groups.append([])
        groups[-1] += part
        done += weight
    return groups


def _group_findings(index: int) -> list[Finding]:
    """Convert and validate one group of :data:`_plan` (in a worker)."""
    if _plan is None:
        raise RuntimeError("no validation in progress")
    shapes = _plan.shapes if _plan.shapes is not None else _shipped_shapes()
    return registry_findings(
        _plan.groups[index],
        base=_plan.base,
        engine=_plan.engine,
        shapes=shapes,
        known=_plan.known,
    )


@cache
def _shipped_shapes() -> rdflib.Graph:
    """The shipped shapes, parsed once per worker for all the groups it validates."""
    return load_shapes()
