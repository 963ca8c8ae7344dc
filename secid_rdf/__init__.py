"""secid-rdf: turn a SecID registry into a validated RDF knowledge graph.

The public API, one name per task: read a registry, convert it, export it, validate it, put
it in a store, resolve SecIDs (against :func:`registry_table`, :func:`export_table` or
:func:`endpoint_lookup`, with :func:`resolve_secids`), compare two registries. Each name is
imported from its sub-package on first use, so ``import secid_rdf`` (and ``secid-rdf --help``)
loads neither rdflib, pyshacl nor pyoxigraph.

>>> from secid_rdf import read_registry, registry_stats
>>> from secid_rdf.resources import bundled_registry_path
>>> registry_stats(read_registry(bundled_registry_path())).namespaces > 0
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    __version__: str
    from secid_rdf.convert.builder import Conversion, registry_to_graph
    from secid_rdf.diff.changes import RegistryDiff
    from secid_rdf.diff.run import DiffResult, diff_registries
    from secid_rdf.export.run import (
        ExportedGraph,
        ExportOptions,
        ExportResult,
        export_registry,
        registry_to_quads,
    )
    from secid_rdf.findings import (
        EmptyRegistryError,
        Finding,
        InvalidSecidError,
        Location,
        RegistryNotFoundError,
        SecidRdfError,
        Severity,
    )
    from secid_rdf.formats.serialize import FORMATS, serialize
    from secid_rdf.model import Registry
    from secid_rdf.read.registry import read_registry
    from secid_rdf.read.stats import RegistryStats, registry_stats
    from secid_rdf.resolve.resolver import (
        RemoteLookup,
        Resolution,
        ResolvedUrl,
        format_resolutions,
        resolve_secids,
    )
    from secid_rdf.resolve.sources import endpoint_lookup, export_table, registry_table
    from secid_rdf.resolve.table import Table
    from secid_rdf.secid import SecID, format_secid, parse_secid
    from secid_rdf.store.graph_source import StoreGraph, graph_quads
    from secid_rdf.store.sparql import (
        build_store,
        load_graphs,
        query_endpoint,
        query_store,
        read_export,
    )
    from secid_rdf.validate.data_files import validate_data
    from secid_rdf.validate.report import render_findings
    from secid_rdf.validate.shacl import Validation, validate_registry

_HOMES = {
    "Conversion": "convert.builder",
    "DiffResult": "diff.run",
    "EmptyRegistryError": "findings",
    "ExportOptions": "export.run",
    "ExportResult": "export.run",
    "ExportedGraph": "export.run",
    "FORMATS": "formats.serialize",
    "Finding": "findings",
    "InvalidSecidError": "findings",
    "Location": "findings",
    "Registry": "model",
    "RegistryNotFoundError": "findings",
    "RegistryDiff": "diff.changes",
    "RegistryStats": "read.stats",
    "RemoteLookup": "resolve.resolver",
    "Resolution": "resolve.resolver",
    "ResolvedUrl": "resolve.resolver",
    "SecID": "secid",
    "SecidRdfError": "findings",
    "Severity": "findings",
    "StoreGraph": "store.graph_source",
    "Table": "resolve.table",
    "Validation": "validate.shacl",
    "build_store": "store.sparql",
    "diff_registries": "diff.run",
    "endpoint_lookup": "resolve.sources",
    "export_registry": "export.run",
    "export_table": "resolve.sources",
    "format_resolutions": "resolve.resolver",
    "format_secid": "secid",
    "graph_quads": "store.graph_source",
    "load_graphs": "store.sparql",
    "parse_secid": "secid",
    "query_endpoint": "store.sparql",
    "query_store": "store.sparql",
    "read_export": "store.sparql",
    "read_registry": "read.registry",
    "registry_stats": "read.stats",
    "registry_table": "resolve.sources",
    "registry_to_graph": "convert.builder",
    "registry_to_quads": "export.run",
    "render_findings": "validate.report",
    "resolve_secids": "resolve.resolver",
    "serialize": "formats.serialize",
    "validate_data": "validate.data_files",
    "validate_registry": "validate.shacl",
}
"""Where each public name is defined, relative to this package."""

__all__ = [
    "FORMATS",
    "Conversion",
    "DiffResult",
    "EmptyRegistryError",
    "ExportOptions",
    "ExportResult",
    "ExportedGraph",
    "Finding",
    "InvalidSecidError",
    "Location",
    "Registry",
    "RegistryDiff",
    "RegistryNotFoundError",
    "RegistryStats",
    "RemoteLookup",
    "Resolution",
    "ResolvedUrl",
    "SecID",
    "SecidRdfError",
    "Severity",
    "StoreGraph",
    "Table",
    "Validation",
    "__version__",
    "build_store",
    "diff_registries",
    "endpoint_lookup",
    "export_registry",
    "export_table",
    "format_resolutions",
    "format_secid",
    "graph_quads",
    "load_graphs",
    "parse_secid",
    "query_endpoint",
    "query_store",
    "read_export",
    "read_registry",
    "registry_stats",
    "registry_table",
    "registry_to_graph",
    "registry_to_quads",
    "render_findings",
    "resolve_secids",
    "serialize",
    "validate_data",
    "validate_registry",
]


def __getattr__(name: str) -> object:
    """Import a public name from its sub-package the first time it is asked for.

    ``__version__`` is looked up then too: importlib.metadata costs 40 ms at start-up.
    """
    if name == "__version__":
        value: object = _installed_version()
    else:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module 'secid_rdf' has no attribute {name!r}")
        value = getattr(importlib.import_module(f"secid_rdf.{home}"), name)
    globals()[name] = value
    return value


def _installed_version() -> str:
    """The installed distribution's version; ``0.0.0`` in a source tree never installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("secid-rdf")
    except PackageNotFoundError:
        return "0.0.0"


def __dir__() -> list[str]:
    """The public names, loaded or not."""
    return sorted({*globals(), *__all__})
