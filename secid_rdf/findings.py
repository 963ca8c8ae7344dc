"""Findings (problems in the data) and exceptions (the program cannot go on).

A finding is collected and returned, never raised: one bad registry file must not stop
the others from loading. An exception means the run cannot continue at all.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "EmptyRegistryError",
    "Finding",
    "InvalidIriError",
    "InvalidSecidError",
    "Location",
    "QueryError",
    "RegistryNotFoundError",
    "SecidRdfError",
    "Severity",
    "ShapesError",
    "StoreError",
    "UnsupportedFormatError",
    "printable",
    "shorten",
    "sort_findings",
]

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    r"""``text`` with every character that is not printable written as an escape.

    A message quotes registry text, which may hold line breaks, terminal escapes or
    bidirectional overrides (U+202E shows the rest of a line reversed): written out raw,
    they would split one finding into two lines or disguise it.

    >>> printable("a\nb\u202ec\x1b")
    'a\\nb\\u202ec\\x1b'
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


MAX_QUOTED = 200
"""Characters of a quoted registry value that a message keeps (half from each end)."""


def shorten(text: str, limit: int = MAX_QUOTED) -> str:
    """``text`` with its middle left out when it is longer than ``limit`` characters.

    A message that quotes a registry value must stay a line a person can read: a value may
    be a million characters long, and quoting it whole makes a megabyte-long line.

    >>> shorten("a" * 5 + "b" * 10 + "c" * 5, 10)
    'aaaaa[... 10 characters ...]ccccc'
    """
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}[... {len(text) - 2 * half:,} characters ...]{text[-half:]}"


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class Severity(enum.IntEnum):
    """How bad a finding is; the values order them and match SHACL's three levels."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """The word used in ``PATH:LINE: SEVERITY: ...`` lines."""
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Location:
    """Where a fact came from: a registry file (relative POSIX path), a line, a key path.

    ``field`` is the dotted key path inside the file, e.g. ``sources.cve.id_pattern`` or
    ``match_nodes[0].children[1].data.url``.
    """

    file: str
    line: int | None = None
    field: str | None = None

    def at(self, field: str, line: int | None = None) -> Location:
        """The same file, another key (and line, when known)."""
        return Location(self.file, self.line if line is None else line, field)


@dataclass(frozen=True)
class Finding:
    """One problem found in the data, with where it is and how bad it is."""

    location: Location | None
    severity: Severity
    rule: str
    message: str
    secid: str | None = None

    def __str__(self) -> str:
        """Render as ``PATH:LINE: SEVERITY: FIELD: message``, the compiler-style line.

        Characters that are not printable are escaped (see :func:`printable`), so the
        line is always one line and shows what the registry holds.
        """
        loc = self.location
        if loc is None:
            where = "<registry>"
            field = ""
        else:
            where = loc.file if loc.line is None else f"{loc.file}:{loc.line}"
            field = f"{loc.field}: " if loc.field else ""
        return printable(f"{where}: {self.severity.label}: {field}{self.message}")

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order by file, line, rule and message so output is the same on every run."""
        loc = self.location
        return (
            loc.file if loc else "",
            (loc.line or 0) if loc else 0,
            self.rule,
            self.message,
        )


def sort_findings(findings: list[Finding] | tuple[Finding, ...]) -> list[Finding]:
    """Return findings in their stable display order."""
    return sorted(findings, key=Finding.sort_key)


class SecidRdfError(Exception):
    """Root of every error secid-rdf raises on purpose."""


class RegistryNotFoundError(SecidRdfError, FileNotFoundError):
    """The registry folder does not exist or is not a folder.

    ``alternative`` names what else the argument could have been, where a command's first
    argument is a registry or something else (``a SecID``).
    """

    def __init__(self, path: str, alternative: str | None = None) -> None:
        self.path = path
        also = f", or {alternative}" if alternative is not None else ""
        super().__init__(
            f"registry folder not found: {path} (give the folder that holds <type>/ folders{also})"
        )


class EmptyRegistryError(RegistryNotFoundError):
    """The registry folder holds no registry file: most likely the wrong folder was given.

    ``suggestion`` is a folder beside it that looks like the registry (``X/registry``), if any.
    """

    def __init__(self, path: str, suggestion: str | None = None) -> None:
        self.suggestion = suggestion
        hint = (
            f"did you mean {suggestion}?"
            if suggestion is not None
            else "give the folder that holds the <type>/ folders"
        )
        SecidRdfError.__init__(self, f"no registry files under {path}; {hint}")
        self.path = path


class InvalidSecidError(SecidRdfError, ValueError):
    """A string is not a SecID."""

    def __init__(self, value: str, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"not a SecID: {value!r}: {reason}")


class UnsupportedFormatError(SecidRdfError, ValueError):
    """An output or input format name is not one we know."""

    def __init__(self, value: str, choices: tuple[str, ...]) -> None:
        self.value = value
        self.choices = choices
        super().__init__(f"unsupported format {value!r}; choose one of: {', '.join(choices)}")


class ShapesError(SecidRdfError):
    """The SHACL shapes could not be loaded."""


class InvalidIriError(SecidRdfError, ValueError):
    """A string is not an absolute IRI (RFC 3987), or not usable as a base IRI."""

    def __init__(self, value: str, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"not a valid absolute IRI: {value!r}: {reason}")


class QueryError(SecidRdfError, ValueError):
    """A SPARQL query cannot run: it does not parse, or a parameter cannot be bound."""


class StoreError(SecidRdfError):
    """A triple store or SPARQL endpoint could not be reached, refused, or failed a request.

    ``url`` is the URL of the failed request; ``reason`` says what went wrong, including the
    server's own message when it sent one. ``answered`` is true when the server did answer
    (an HTTP error status, a refused redirect), false when it could not be reached in time.
    """

    def __init__(self, url: str, reason: str, *, answered: bool = False) -> None:
        self.url = url
        self.reason = reason
        self.answered = answered
        super().__init__(f"{url}: {reason}")
