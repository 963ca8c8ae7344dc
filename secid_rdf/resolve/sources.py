"""What SecIDs are resolved against: a registry folder, an export folder or an endpoint.

A registry or an export is put in an embedded store and the shipped query asked for the
whole registry; the table is then cached by content (:mod:`secid_rdf.resolve.cache`), so
only the first lookup on a given registry pays for the conversion. An endpoint is asked
for the namespaces the SecIDs need, as they need them.

>>> from secid_rdf.resolve.resolver import resolve_secids
>>> from secid_rdf.resources import bundled_registry_path
>>> table = registry_table(bundled_registry_path(), use_cache=False)
>>> [(r.status, r.urls[0].url) for r in resolve_secids(["secid:entity/aisi"], table)]
[('found', 'https://www.aisi.gov.uk')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from secid_rdf.findings import Finding
from secid_rdf.resolve.cache import cached_table
from secid_rdf.resolve.resolver import RemoteLookup, table_from_store
from secid_rdf.resolve.table import Table
from secid_rdf.store.http import DEFAULT_TIMEOUT, Credentials, redact_url
from secid_rdf.store.sparql import build_store, query_endpoint, query_store

__all__ = ["endpoint_lookup", "export_table", "quads_table", "registry_table"]


def quads_table(quads: Iterable[ox.Quad]) -> Table:
    """The table of a graph, through an embedded store and the shipped query."""
    store = build_store(quads)
    return table_from_store(lambda text: query_store(store, text))


def registry_table(
    registry: Path, *, use_cache: bool = True, report: Callable[[Finding], None] = lambda _: None
) -> Table:
    """The resolution table of a registry folder.

    :param report: receives what reading and converting found; called only when the table
        is built, so a cached registry's warnings are not repeated on every lookup.
    :raises RegistryNotFoundError: when ``registry`` is not a folder.
    """

    def build() -> Table:
        # the converter is imported only on a miss: a cached lookup does not pay for it
        from secid_rdf.export.run import registry_to_quads

        exported = registry_to_quads(registry)
        for finding in exported.findings:
            report(finding)
        return quads_table(exported.quads)

    return cached_table([registry], build, use_cache=use_cache)


def export_table(export_dir: Path, *, use_cache: bool = True) -> Table:
    """The resolution table of an export folder (its ``secid.nq``)."""
    from secid_rdf.store.sparql import read_export

    def build() -> Table:
        return quads_table(read_export(export_dir, include_description=False))

    return cached_table([export_dir / "secid.nq"], build, use_cache=use_cache)


def endpoint_lookup(
    endpoint_url: str,
    *,
    credentials: Credentials | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    follow_redirects: bool = False,
) -> RemoteLookup:
    """A lookup that asks a SPARQL 1.1 endpoint holding the export (nothing is cached).

    The arguments are those of :func:`~secid_rdf.store.sparql.query_endpoint`; errors name
    the endpoint without its user part.
    """
    return RemoteLookup(
        lambda text: query_endpoint(
            endpoint_url,
            text,
            credentials=credentials,
            timeout=timeout,
            follow_redirects=follow_redirects,
        ),
        answered_by=redact_url(endpoint_url),
    )
