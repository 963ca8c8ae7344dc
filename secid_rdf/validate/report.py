"""Render findings for people and for CI: text, JSON, GitHub workflow commands, SARIF 2.1.0.

Rendering never decides whether a run passed; the command line does that from the
severities. Every renderer sorts the findings first, so the same findings always give the
same bytes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from secid_rdf.findings import (
    Finding,
    Severity,
    UnsupportedFormatError,
    printable,
    sort_findings,
)

__all__ = [
    "REPORT_FORMATS",
    "findings_to_github",
    "findings_to_json",
    "findings_to_sarif",
    "findings_to_text",
    "render_findings",
    "severity_counts",
    "severity_summary",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
"""SARIF 2.1.0, the OASIS standard GitHub code scanning accepts:
https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html"""

INFORMATION_URI = "https://github.com/CloudSecurityAlliance/SecID"

SARIF_ROOT = "%SRCROOT%"
"""The ``uriBaseId`` of every artifact: the root of the checkout being analysed."""

_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def severity_counts(findings: Sequence[Finding]) -> dict[Severity, int]:
    """How many findings there are of each severity (every severity present, worst first).

    >>> from secid_rdf.findings import Finding, Severity
    >>> severity_counts([Finding(None, Severity.WARNING, "R1", "m")])[Severity.WARNING]
    1
    """
    counts = Counter(finding.severity for finding in findings)
    return {severity: counts[severity] for severity in sorted(Severity, reverse=True)}


def _plural(count: int, word: str) -> str:
    """``1 error``, ``2 errors``; ``info`` has no plural."""
    return f"{count} {word}" if count == 1 or word == "info" else f"{count} {word}s"


def severity_summary(findings: Sequence[Finding]) -> str:
    """``2 errors, 1 warning, 0 info``: the line that says how a run went.

    >>> severity_summary([])
    '0 errors, 0 warnings, 0 info'
    """
    counts = severity_counts(findings)
    return ", ".join(_plural(n, severity.label) for severity, n in counts.items())


def findings_to_text(findings: Sequence[Finding], *, path_prefix: str = "") -> str:
    """One ``PATH:LINE: SEVERITY: FIELD: message`` line per finding, then a summary.

    The summary counts findings by severity, then by severity and rule, so that thousands
    of results can be read as a handful of groups.

    :param path_prefix: prepended to each file path (the registry folder as the user sees it).

    >>> from secid_rdf.findings import Finding, Location, Severity
    >>> f = Finding(Location("reference/aisi.md", 7, "status"), Severity.ERROR, "R1", "bad")
    >>> print(findings_to_text([f]), end="")
    reference/aisi.md:7: error: status: bad
    <BLANKLINE>
    1 error, 0 warnings, 0 info
          1  error    R1
    """
    ordered = sort_findings(list(findings))
    lines = [str(_with_prefix(finding, path_prefix)) for finding in ordered]
    if lines:
        lines.append("")
    lines.append(severity_summary(ordered))
    by_rule = Counter((finding.severity, finding.rule) for finding in ordered)
    for (severity, rule), count in sorted(by_rule.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        lines.append(f"{count:>7}  {severity.label:<7}  {rule}")
    return "\n".join(lines) + "\n"


def findings_to_json(findings: Sequence[Finding], *, path_prefix: str = "") -> str:
    """A JSON document: ``findings`` (sorted) and ``summary`` (counts by severity).

    Keys are sorted and ``null`` values left out, so the output is stable and diffable.

    >>> from secid_rdf.findings import Finding, Severity
    >>> print(findings_to_json([]), end="")
    {
      "findings": [],
      "summary": {
        "error": 0,
        "info": 0,
        "warning": 0
      }
    }
    """
    records = []
    for finding in sort_findings(list(findings)):
        loc = finding.location
        record = {
            "file": _join(path_prefix, loc.file) if loc else None,
            "line": loc.line if loc else None,
            "field": loc.field if loc else None,
            "severity": finding.severity.label,
            "rule": finding.rule,
            "message": finding.message,
            "secid": finding.secid,
        }
        records.append({key: value for key, value in record.items() if value is not None})
    summary = {severity.label: n for severity, n in severity_counts(findings).items()}
    document = {"findings": records, "summary": summary}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _escape_github_data(text: str) -> str:
    """Escape a workflow command's message (the part after ``::``); one printable line."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_github_property(text: str) -> str:
    """Escape a workflow command property value (``file=``, ``title=``)."""
    return _escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def findings_to_github(findings: Sequence[Finding], *, path_prefix: str = "") -> str:
    """GitHub Actions workflow commands, one per finding: ``::error file=P,line=N::message``.

    Errors, warnings and infos become ``error``, ``warning`` and ``notice`` annotations.
    Paths must be relative to the checkout root for the annotation to attach to the file, hence
    ``path_prefix``. Newlines and ``%`` are escaped so registry text cannot start a command.

    >>> from secid_rdf.findings import Finding, Location, Severity
    >>> f = Finding(Location("a.md", 3, "status"), Severity.WARNING, "R1", "odd")
    >>> print(findings_to_github([f], path_prefix="registry"), end="")
    ::warning file=registry/a.md,line=3,title=R1::status: odd
    """
    lines = []
    for finding in sort_findings(list(findings)):
        loc = finding.location
        props = []
        if loc is not None:
            props.append(f"file={_escape_github_property(_join(path_prefix, loc.file))}")
            if loc.line is not None:
                props.append(f"line={loc.line}")
        props.append(f"title={_escape_github_property(finding.rule)}")
        field = f"{loc.field}: " if loc is not None and loc.field else ""
        message = _escape_github_data(field + finding.message)
        lines.append(f"::{_GITHUB_COMMANDS[finding.severity]} {','.join(props)}::{message}")
    return "".join(line + "\n" for line in lines)


def findings_to_sarif(
    findings: Sequence[Finding], *, path_prefix: str = "", root: Path | None = None
) -> str:
    """A SARIF 2.1.0 log with one run, for upload to GitHub code scanning.

    Each distinct rule becomes a ``reportingDescriptor`` with a ``fullDescription`` and a
    ``helpUri``; each finding a ``result`` with ``ruleId``, ``ruleIndex``, ``level`` and, when
    its file is known, a ``physicalLocation``: a relative URI reference (percent-encoded, so
    a space, ``#`` or ``ü`` in a path survives) resolved against ``%SRCROOT%``. Code
    scanning resolves it against the checkout root; other readers of the log find the
    folder in the run's ``originalUriBaseIds``.

    :param root: the folder the paths start from, ``%SRCROOT%`` (default: the working
        folder).

    >>> import json
    >>> log = json.loads(findings_to_sarif([], root=Path("/work/checkout")))
    >>> log["version"], log["runs"][0]["tool"]["driver"]["name"]
    ('2.1.0', 'secid-rdf')
    >>> log["runs"][0]["originalUriBaseIds"]
    {'%SRCROOT%': {'uri': 'file:///work/checkout/'}}
    """
    # the shapes' descriptions need rdflib, which the other formats (and the commands that
    # only list REPORT_FORMATS) should not pay for at import
    from secid_rdf import __version__
    from secid_rdf.validate.rules import help_uri, rule_descriptions

    ordered = sort_findings(list(findings))
    rule_ids = sorted({finding.rule for finding in ordered})
    rule_index = {rule: i for i, rule in enumerate(rule_ids)}
    descriptions = rule_descriptions(rule_ids)
    rules = [
        {
            "id": rule,
            "shortDescription": {"text": rule},
            "fullDescription": {"text": descriptions[rule]},
            "helpUri": help_uri(rule),
        }
        for rule in rule_ids
    ]
    results = []
    for finding in ordered:
        loc = finding.location
        field = f"{loc.field}: " if loc is not None and loc.field else ""
        result: dict[str, object] = {
            "ruleId": finding.rule,
            "ruleIndex": rule_index[finding.rule],
            "level": _SARIF_LEVELS[finding.severity],
            "message": {"text": field + finding.message},
        }
        if loc is not None:
            physical: dict[str, object] = {
                "artifactLocation": {
                    "uri": quote(_join(path_prefix, loc.file), safe="/"),
                    "uriBaseId": SARIF_ROOT,
                },
            }
            if loc.line is not None:
                physical["region"] = {"startLine": loc.line}
            result["locations"] = [{"physicalLocation": physical}]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "secid-rdf",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {SARIF_ROOT: {"uri": _folder_uri(root or Path.cwd())}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


REPORT_FORMATS: dict[str, Callable[..., str]] = {
    "text": findings_to_text,
    "json": findings_to_json,
    "github": findings_to_github,
    "sarif": findings_to_sarif,
}
"""Renderer per ``--format`` name; each takes the findings and ``path_prefix=``."""


def render_findings(
    findings: Sequence[Finding], fmt: str, *, path_prefix: str = "", root: Path | None = None
) -> str:
    r"""Render findings in the named format (a key of :data:`REPORT_FORMATS`).

    :param root: the folder the paths start from; SARIF, the one format that names it,
        defaults to the working folder.
    :raises UnsupportedFormatError: when ``fmt`` is not a known format.

    >>> render_findings([], "text")
    '0 errors, 0 warnings, 0 info\n'
    """
    try:
        renderer = REPORT_FORMATS[fmt]
    except KeyError:
        raise UnsupportedFormatError(fmt, tuple(REPORT_FORMATS)) from None
    if renderer is findings_to_sarif:
        return findings_to_sarif(findings, path_prefix=path_prefix, root=root)
    return renderer(findings, path_prefix=path_prefix)


def _folder_uri(folder: Path) -> str:
    """A folder's absolute ``file:`` URI, ending in ``/`` as a SARIF base URI must.

    >>> _folder_uri(Path("/srv/a b"))
    'file:///srv/a%20b/'
    """
    uri = folder.absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _join(prefix: str, file: str) -> str:
    """``prefix/file`` with forward slashes, or ``file`` alone when there is no prefix."""
    return f"{prefix.rstrip('/')}/{file}" if prefix else file


def _with_prefix(finding: Finding, prefix: str) -> Finding:
    """The same finding with its file path under ``prefix``."""
    loc = finding.location
    if not prefix or loc is None:
        return finding
    return replace(finding, location=replace(loc, file=_join(prefix, loc.file)))
