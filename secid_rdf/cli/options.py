"""What the commands share: how a registry and a store are given, and how messages go out."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from secid_rdf.findings import Finding, Severity, printable
from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.resources import bundled_registry_path

if TYPE_CHECKING:
    from secid_rdf.store.sparql import Credentials

__all__ = [
    "BASE_OPTION",
    "EXPORT_DIR_OPTION",
    "FOLLOW_REDIRECTS_OPTION",
    "OUTPUT_OPTION",
    "QUIET_OPTION",
    "REGISTRY_ARGUMENT",
    "STORE_PASSWORD_OPTION",
    "STORE_TIMEOUT_OPTION",
    "STORE_USER_OPTION",
    "UnusableInputError",
    "echo_findings",
    "echo_note",
    "emit_report",
    "not_utf8",
    "resolve_registry",
    "store_credentials",
]

REGISTRY_ARGUMENT = click.argument("registry", required=False, type=click.Path(path_type=Path))
"""Every command that reads a registry takes it so; a missing or empty folder exits 2."""

QUIET_OPTION = click.option(
    "-q", "--quiet", is_flag=True, help="Print only errors on stderr: no warnings or summary."
)


BASE_OPTION = click.option(
    "--base",
    default=DEFAULT_BASE,
    show_default=True,
    metavar="IRI",
    help="Base IRI of the data: <IRI><type>/<namespace>/<name>.",
)


def resolve_registry(registry: Path | None) -> Path:
    """The registry folder to use: the one given, or the bundled one."""
    return registry if registry is not None else bundled_registry_path()


def echo_findings(findings: Iterable[Finding], *, quiet: bool) -> None:
    """Findings on stderr, one line each; with ``quiet``, only the errors."""
    for finding in findings:
        if not quiet or finding.severity is Severity.ERROR:
            click.echo(str(finding), err=True)


def echo_note(message: str, *, quiet: bool) -> None:
    """A progress or summary line on stderr, unless ``quiet``."""
    if not quiet:
        click.echo(message, err=True)


def emit_report(text: str, output: Path | None, *, quiet: bool, summary: str = "") -> None:
    """Print a command's report, or write it to ``output`` and say so (``-`` is stdout).

    :param summary: what the line on stderr says before ``wrote FILE``; a file's reader
        is not at the terminal, so this is how the run went.
    :raises SecidRdfError: when the file cannot be written.
    """
    if output is None or output == Path("-"):
        click.echo(text, nl=False)
        return
    from secid_rdf.export.atomic_files import write_atomic

    write_atomic(output, text.encode("utf-8"))
    echo_note(f"{summary}wrote {output}", quiet=quiet)


class UnusableInputError(click.ClickException):
    """A :class:`SecidRdfError` shown as a one-line error: the run could not go on (exit 2)."""

    exit_code = 2

    def format_message(self) -> str:
        """The message, with what is not printable escaped (it may quote registry text)."""
        return printable(self.message)


def not_utf8(text: str) -> str | None:
    """Where ``text`` (from the command line or the environment) holds a byte that is not UTF-8.

    >>> not_utf8("secid:advisory/x"), not_utf8("secid:advisory/\\udcff")
    (None, 'byte 0xff at character 16')
    """
    for index, char in enumerate(text):
        if "\udc80" <= char <= "\udcff":
            return f"byte 0x{ord(char) - 0xDC00:02x} at character {index + 1}"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"character U+{ord(text[error.start]):04X} at character {error.start + 1}"
    return None


OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write the report to this file (atomically) instead of stdout ('-': stdout).",
)

EXPORT_DIR_OPTION = click.option(
    "--from",
    "export_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Use an existing export folder (its secid.nq and void.ttl) instead of REGISTRY.",
)
STORE_USER_OPTION = click.option(
    "--user", help="User name, sent when the store asks for basic or digest authentication."
)
STORE_PASSWORD_OPTION = click.option(
    "--password",
    envvar="SECID_RDF_STORE_PASSWORD",
    show_envvar=True,
    help="Password for --user; prefer the environment variable, which stays out of shell history.",
)
STORE_TIMEOUT_OPTION = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds each request to the store may take in all (connect, send, whole answer).",
)
FOLLOW_REDIRECTS_OPTION = click.option(
    "--follow-redirects",
    is_flag=True,
    help="Follow redirects to another host, port or scheme too (same-origin ones always are).",
)


def store_credentials(user: str | None, password: str | None) -> Credentials | None:
    """Credentials from --user and --password (or its environment variable), if a user is given."""
    from secid_rdf.store.sparql import Credentials

    if user is None:
        return None
    if password is None:
        raise click.UsageError("--user needs --password or SECID_RDF_STORE_PASSWORD")
    if not_utf8(password) is not None:
        raise click.UsageError("the password (--password or SECID_RDF_STORE_PASSWORD) is not UTF-8")
    return Credentials(user, password)
