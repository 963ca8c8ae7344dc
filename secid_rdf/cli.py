"""The ``secid-rdf`` command line: options, one API call, rendering, an exit code.

Exit codes everywhere: 0 clean, 1 the data has errors (the rest was still processed),
2 usage error or the run could not start.
"""

from __future__ import annotations

from pathlib import Path

import click

from secid_rdf import __version__
from secid_rdf.findings import SecidRdfError
from secid_rdf.resources import bundled_registry_path

__all__ = ["main"]

REGISTRY_ARGUMENT = click.argument(
    "registry",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


def resolve_registry(registry: Path | None) -> Path:
    """The registry folder to use: the one given, or the bundled one."""
    return registry if registry is not None else bundled_registry_path()


class SecidRdfGroup(click.Group):
    """A click group that turns :class:`SecidRdfError` into a one-line error, exit 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SecidRdfError as error:
            raise click.ClickException(str(error)) from error


@click.group(cls=SecidRdfGroup)
@click.version_option(__version__, prog_name="secid-rdf")
def main() -> None:
    """Turn a SecID registry into a validated RDF knowledge graph.

    REGISTRY, where a command takes one, defaults to the registry bundled with secid-rdf.
    """
