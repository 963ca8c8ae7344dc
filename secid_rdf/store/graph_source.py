"""Which graph a store command works on: a registry converted in memory, or an export folder.

``load`` and ``query`` (and a library user) name the graph the same way: a registry folder
(the bundled one when none is given) or the folder an earlier export wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Quad

from secid_rdf.export.run import registry_to_quads
from secid_rdf.findings import Finding, SecidRdfError, Severity
from secid_rdf.resources import bundled_registry_path
from secid_rdf.store.sparql import read_export

__all__ = ["GraphSourceError", "StoreGraph", "graph_quads"]


class GraphSourceError(SecidRdfError, ValueError):
    """Both a registry and an export folder were named: which graph is meant is unclear."""


@dataclass(frozen=True)
class StoreGraph:
    """The quads to load or query, and what reading and converting the registry found."""

    quads: Sequence[Quad]
    findings: tuple[Finding, ...] = ()

    @property
    def has_errors(self) -> bool:
        """True when a registry file had an error (the rest was still converted)."""
        return any(finding.severity is Severity.ERROR for finding in self.findings)


def graph_quads(
    registry: Path | None = None,
    *,
    export_dir: Path | None = None,
    include_description: bool = False,
) -> StoreGraph:
    """The graph of a registry folder (converted in memory) or of an export folder.

    :param registry: the registry folder; ``None`` (with no ``export_dir``): the bundled one.
    :param export_dir: a folder written by ``secid-rdf export``, read instead of a registry.
    :param include_description: add the dataset description (VoID/DCAT) in its own graph, as
        a store loading the graph wants it.
    :raises GraphSourceError: both ``registry`` and ``export_dir`` are given.
    :raises RegistryNotFoundError: the registry folder is missing or holds no registry file.
    :raises SecidRdfError: an export file is missing or does not parse.

    >>> graph = graph_quads()
    >>> len(graph.quads) > 0, graph.has_errors
    (True, False)
    """
    if export_dir is not None:
        if registry is not None:
            raise GraphSourceError("give REGISTRY or --from, not both")
        return StoreGraph(read_export(export_dir, include_description=include_description))
    exported = registry_to_quads(
        registry if registry is not None else bundled_registry_path(),
        include_description=include_description,
    )
    return StoreGraph(exported.quads, exported.findings)
