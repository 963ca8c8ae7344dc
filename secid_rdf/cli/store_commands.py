"""The commands that work on a graph in a store: ``load`` and ``query``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from secid_rdf.cli.options import (
    EXPORT_DIR_OPTION,
    FOLLOW_REDIRECTS_OPTION,
    QUIET_OPTION,
    REGISTRY_ARGUMENT,
    STORE_PASSWORD_OPTION,
    STORE_TIMEOUT_OPTION,
    STORE_USER_OPTION,
    UnusableInputError,
    echo_findings,
    echo_note,
    store_credentials,
)
from secid_rdf.store.result_tables import RESULT_FORMATS, format_results

if TYPE_CHECKING:
    from pyoxigraph import Quad

    from secid_rdf.store.http import Credentials

__all__ = ["load", "query"]


@click.command()
@REGISTRY_ARGUMENT
@click.option(
    "--store",
    "store_url",
    required=True,
    metavar="URL",
    help="The store's SPARQL 1.1 Graph Store Protocol endpoint (Oxigraph: http://HOST:7878/store).",
)
@EXPORT_DIR_OPTION
@click.option(
    "--graph-prefix",
    metavar="IRI",
    help="Name the graphs <IRI><type> and <IRI>void instead of the export's graph IRIs.",
)
@STORE_USER_OPTION
@STORE_PASSWORD_OPTION
@STORE_TIMEOUT_OPTION
@FOLLOW_REDIRECTS_OPTION
@click.option(
    "--diff",
    "diff_from",
    metavar="OLD",
    help="The store holds OLD's graph (a folder or REV[:PATH]): send only the changes.",
)
@click.option(
    "--update",
    "update_endpoint",
    metavar="URL",
    help="With --diff: the SPARQL 1.1 Update endpoint [default: --store's, Oxigraph layout].",
)
@click.option("--dry-run", is_flag=True, help="Show what would be sent where; send nothing.")
@QUIET_OPTION
def load(
    registry: Path | None,
    store_url: str,
    export_dir: Path | None,
    graph_prefix: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
    follow_redirects: bool,
    diff_from: str | None,
    update_endpoint: str | None,
    dry_run: bool,
    quiet: bool,
) -> None:
    """Load the graph into a SPARQL 1.1 triple store, one named graph per SecID type.

    Each graph (and the dataset description, in its own graph) is sent with an HTTP PUT to
    URL?graph=<graph IRI>, which replaces that graph: loading again never duplicates.
    With --diff OLD, the store is taken to hold OLD's graph (as this command loaded it),
    and only the triples that differ are sent, as one SPARQL Update.

    \b
    Example:
      oxigraph serve --location store-data --union-default-graph &
      secid-rdf load --store http://localhost:7878/store
      secid-rdf load registry --diff HEAD~1 --store http://localhost:7878/store
    """
    from secid_rdf.iris import GRAPH_NAMESPACE, check_base
    from secid_rdf.store.graph_source import graph_quads
    from secid_rdf.store.http import redact_url
    from secid_rdf.store.sparql import load_graphs, rebase_graphs, split_graphs, update_url

    credentials = store_credentials(user, password)
    source = graph_quads(registry, export_dir=export_dir, include_description=True)
    echo_findings(source.findings, quiet=quiet)
    quads = source.quads
    if graph_prefix is not None:
        quads = rebase_graphs(quads, GRAPH_NAMESPACE, check_base(graph_prefix))
    if diff_from is not None:
        if export_dir is not None:
            raise click.UsageError("--diff compares registries: give REGISTRY, not --from")
        old_quads = _old_quads(diff_from, registry)
        if graph_prefix is not None:
            old_quads = rebase_graphs(old_quads, GRAPH_NAMESPACE, check_base(graph_prefix))
        _send_changes(
            old_quads,
            quads,
            store_url,
            update_endpoint or update_url(store_url),
            credentials=credentials,
            timeout=timeout,
            follow_redirects=follow_redirects,
            dry_run=dry_run,
            quiet=quiet,
        )
        if source.has_errors:
            raise click.exceptions.Exit(1)
        return
    elif update_endpoint is not None:
        raise click.UsageError("--update goes with --diff")
    graphs = split_graphs(quads)
    if dry_run:
        for graph, triples in graphs.items():
            name = graph or "the default graph"
            echo_note(f"would load {name}: {len(triples)} triples", quiet=quiet)
        total = sum(len(triples) for triples in graphs.values())
        shown = redact_url(store_url)
        echo_note(
            f"dry run: {len(graphs)} graphs, {total} triples, nothing sent to {shown}", quiet=quiet
        )
    else:
        report = load_graphs(
            store_url,
            graphs,
            credentials=credentials,
            timeout=timeout,
            follow_redirects=follow_redirects,
        )
        for upload in report.uploads:
            verb = "created" if upload.status == 201 else "replaced"
            name = upload.graph or "the default graph"
            echo_note(f"{verb} {name}: {upload.triples} triples", quiet=quiet)
        for failure in report.failures:
            name = failure.graph or "the default graph"
            click.echo(f"not loaded {name}: {failure.triples} triples: {failure.reason}", err=True)
        counts = f"{len(report.uploads)} graphs, {report.triples} triples"
        echo_note(f"loaded {counts} into {report.store_url} in {report.seconds:.2f} s", quiet=quiet)
        if report.failures:
            raise UnusableInputError(
                f"{len(report.failures)} of {len(graphs)} graphs were not loaded into"
                f" {report.store_url}; run the same load again to complete the store"
            )
    if source.has_errors:
        raise click.exceptions.Exit(1)


def _old_quads(spec: str, registry: Path | None) -> Sequence[Quad]:
    """The quads (with the dataset description) a store loaded from ``spec`` holds."""
    from secid_rdf.diff.sides import opened_side
    from secid_rdf.export.run import registry_to_quads

    other = str(registry) if registry is not None else None
    with opened_side(spec, other=other) as side:
        return registry_to_quads(side.folder, include_description=True, commit=side.commit).quads


def _send_changes(
    old: Sequence[Quad],
    new: Sequence[Quad],
    store_url: str,
    endpoint: str,
    *,
    credentials: Credentials | None,
    timeout: float,
    follow_redirects: bool,
    dry_run: bool,
    quiet: bool,
) -> None:
    """Send what turns ``old`` into ``new`` in a store.

    The data graphs' changes go as one SPARQL Update; the dataset description (counts and
    dates, which the store keeps in canonical form) is replaced whole by a Graph Store
    ``PUT`` when it changed.
    """
    from secid_rdf.diff.update import sparql_update
    from secid_rdf.iris import DATASET_GRAPH_IRI
    from secid_rdf.store.http import redact_url
    from secid_rdf.store.sparql import load_graphs, send_update

    def described(quad: Quad) -> bool:
        return quad.graph_name == DATASET_GRAPH_IRI

    before = {quad for quad in old if not described(quad)}
    after = {quad for quad in new if not described(quad)}
    removed, added = before - after, after - before
    description = [quad.triple for quad in new if described(quad)]
    description_changed = {q.triple for q in old if described(q)} != set(description)
    counts = f"{len(removed)} triples removed, {len(added)} added"
    shown = redact_url(endpoint)
    if dry_run:
        echo_note(f"dry run: {counts}, nothing sent to {shown}", quiet=quiet)
        return
    if removed or added:
        send_update(
            endpoint,
            sparql_update(removed, added),
            credentials=credentials,
            timeout=timeout,
            follow_redirects=follow_redirects,
        )
    if description_changed:
        report = load_graphs(
            store_url,
            {DATASET_GRAPH_IRI.value: description},
            credentials=credentials,
            timeout=timeout,
            follow_redirects=follow_redirects,
        )
        if report.failures:
            raise UnusableInputError(
                f"the dataset description was not replaced: {report.failures[0].reason}"
            )
    echo_note(f"updated {shown}: {counts}", quiet=quiet)


@click.command()
@click.argument("arguments", nargs=-1, metavar="[REGISTRY] [QUERY]")
@click.option(
    "--file",
    "query_file",
    type=click.File("r", encoding="utf-8"),
    help="Read the query from this file ('-' for stdin) instead of the QUERY argument.",
)
@click.option(
    "--library",
    "library_name",
    metavar="NAME",
    help="Run a query shipped with secid-rdf (see docs/triple-stores.md), e.g. counts-per-type.",
)
@click.option(
    "--bind",
    "bindings",
    multiple=True,
    metavar="VAR=VALUE",
    help="Set the query's 'VALUES ?VAR { ... }' block to VALUE (<...> is an IRI, else a string).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS),
    default=RESULT_FORMATS[0],
    show_default=True,
    help="Result format: an aligned table, or SPARQL 1.1 results CSV, TSV or JSON.",
)
@EXPORT_DIR_OPTION
@click.option(
    "--endpoint",
    metavar="URL",
    help="Send the query to this SPARQL 1.1 endpoint instead (Oxigraph: http://HOST:7878/query).",
)
@STORE_USER_OPTION
@STORE_PASSWORD_OPTION
@STORE_TIMEOUT_OPTION
@FOLLOW_REDIRECTS_OPTION
@QUIET_OPTION
def query(
    arguments: tuple[str, ...],
    query_file: TextIO | None,
    library_name: str | None,
    bindings: tuple[str, ...],
    fmt: str,
    export_dir: Path | None,
    endpoint: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
    follow_redirects: bool,
    quiet: bool,
) -> None:
    """Run a SPARQL 1.1 query over the graph and print the results.

    The graph of REGISTRY (or of an export folder, --from) is put in an embedded store whose
    default graph is the union of all graphs. With --endpoint the query goes to a remote
    store instead. CONSTRUCT and DESCRIBE results are printed as sorted N-Triples.

    \b
    Examples:
      secid-rdf query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv
      secid-rdf query --library source-lookup --bind source=secid:advisory/mitre.org/cve
      secid-rdf query --file my.rq --endpoint http://localhost:7878/query
    """
    from secid_rdf.store.query_request import parse_query_arguments
    from secid_rdf.store.sparql import build_store, query_endpoint, query_store

    request = parse_query_arguments(
        arguments,
        query_text=query_file.read() if query_file is not None else None,
        library_name=library_name,
        bindings=bindings,
    )
    registry, text = request.registry, request.text
    credentials = store_credentials(user, password)
    has_errors = False
    if endpoint is not None:
        if registry is not None or export_dir is not None:
            raise click.UsageError("--endpoint queries a remote store: give no REGISTRY or --from")
        result = query_endpoint(
            endpoint,
            text,
            credentials=credentials,
            timeout=timeout,
            follow_redirects=follow_redirects,
        )
    else:
        from secid_rdf.store.graph_source import graph_quads

        graph = graph_quads(registry, export_dir=export_dir)
        echo_findings(graph.findings, quiet=quiet)
        has_errors = graph.has_errors
        result = query_store(build_store(graph.quads), text)
    click.echo(format_results(result, fmt), nl=False)
    if has_errors:
        raise click.exceptions.Exit(1)
