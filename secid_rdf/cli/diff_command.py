"""The ``diff`` command: what a registry change does to the graph and to resolution."""

from __future__ import annotations

from pathlib import Path

import click

from secid_rdf.cli.options import (
    BASE_OPTION,
    OUTPUT_OPTION,
    QUIET_OPTION,
    echo_findings,
    emit_report,
)

__all__ = ["DIFF_FORMATS", "diff"]

DIFF_FORMATS = ("text", "markdown", "json", "sparql-update", "rdf-patch")
"""The output formats of ``secid-rdf diff``."""


@click.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    default="text",
    show_default=True,
    help="Report as text, Markdown (a pull request comment) or JSON; or the update that turns"
    " a store holding OLD's graph into NEW's (SPARQL Update or RDF Patch).",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=0),
    default=65_000,
    show_default=True,
    help="Markdown: leave out whole namespaces past this length (0: no limit).",
)
@OUTPUT_OPTION
@click.option(
    "--no-cache", is_flag=True, help="Parse every file; neither read nor write the cache."
)
@BASE_OPTION
@QUIET_OPTION
def diff(
    old: str,
    new: str,
    fmt: str,
    max_chars: int,
    output: Path | None,
    no_cache: bool,
    base: str,
    quiet: bool,
) -> None:
    """Compare the graphs of two registries, namespace by namespace.

    OLD and NEW are registry folders or git revisions of one, REV[:PATH] (HEAD~1,
    origin/main:registry), read with git without touching the work tree; a REV without
    :PATH takes the other side's folder when that is in the same work tree, else
    'registry'. The report names SecIDs added, removed and renamed, changed names,
    status, operators, versions, links, URL templates and patterns, and every example of
    a changed namespace whose resolution or pattern check changed (docs/diff.md).

    Exit code 0 when nothing changed or no resolution changed and nothing was lost, 1 when
    a resolution changed, a SecID or namespace was removed or an example now fails its
    patterns, 2 when a side could not be read.

    \b
    Examples:
      secid-rdf diff HEAD~1 registry
      secid-rdf diff origin/main registry --format markdown -o diff.md
      secid-rdf diff old/registry new/registry --format sparql-update > update.rq
    """
    from secid_rdf.diff.report_markdown import render_markdown
    from secid_rdf.diff.report_plain import render_json, render_text
    from secid_rdf.diff.run import diff_registries
    from secid_rdf.diff.sides import opened_side
    from secid_rdf.diff.update import rdf_patch, sparql_update

    with opened_side(old, other=new) as before, opened_side(new, other=old) as after:
        result = diff_registries(
            before.folder,
            after.folder,
            old_label=before.label,
            new_label=after.label,
            base=base,
            use_cache=not no_cache,
        )
    echo_findings(result.findings, quiet=True)
    changes = result.diff
    if fmt == "markdown":
        text = render_markdown(changes, limit=max_chars or None)
    elif fmt == "json":
        text = render_json(changes)
    elif fmt == "sparql-update":
        text = sparql_update(result.removed, result.added)
    elif fmt == "rdf-patch":
        text = rdf_patch(result.removed, result.added)
    else:
        text = render_text(changes)
    emit_report(text, output, quiet=quiet)
    if changes.needs_review:
        raise click.exceptions.Exit(1)
