"""The values of a template's placeholders, for an entry and the text it matched.

In order of precedence: a variable the entry declares (its ``extract`` regex and
``format``, a year from the parent's range table, a ``lang``-style choice with its default);
the built-ins ``{id}``, ``{id_lower}``, ``{id_upper}`` (the text the entry matched, never
the name when a subpath matched), ``{version}`` and ``{item_version}``; the one variable run
of a fixed-text id pattern (Markdown entries, which declare no variables); a qualifier of
the same name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from secid_rdf.resolve.fill import placeholders
from secid_rdf.resolve.patterns import first_group, matches
from secid_rdf.resolve.table import Entry, Regex, Variable

__all__ = ["BUILT_INS", "placeholder_values", "range_table_year", "variable_value"]

BUILT_INS = frozenset({"id", "id_lower", "id_upper", "version", "item_version"})
"""Placeholders every entry may use without declaring them."""

_RANGE_PAIR = re.compile(r"(\d{4}):\s*(\d+)")

_ONE_RUN = re.compile(
    r"""\A\^?
    ((?:[^\\.^$*+?()\[\]{}|]|\\[^dDwWsSiIcCpP])*)                  # fixed text before
    ((?:\\[dw]|\[(?:[^\]\\]|\\.)*\])(?:[+*?]|\{[0-9]+(?:,[0-9]*)?\})?)  # one variable run
    ((?:[^\\.^$*+?()\[\]{}|]|\\[^dDwWsSiIcCpP])*)                  # fixed text after
    \$?\Z""",
    re.VERBOSE,
)
"""A pattern that is fixed text around one run (``CWE-\\d+``, ``^\\d{8}$``), in three groups."""


def range_table_year(number: int, notes: Sequence[str]) -> str | None:
    """The year whose first number is the highest at most ``number``, from ``YYYY: N`` pairs.

    The registry keeps such tables in the notes of the source (Debian DSA and DLA).

    >>> range_table_year(5678, ["first DSA issued each year: 2023: 5311, 2024: 5593, 2025: 5839"])
    '2024'
    >>> range_table_year(3, ["2014: 10"]) is None
    True
    """
    pairs = sorted(
        (int(start), year) for text in notes for year, start in _RANGE_PAIR.findall(text)
    )
    found = None
    for start, year in pairs:
        if start > number:
            break
        found = year
    return found


def variable_value(
    variable: Variable, text: str, qualifiers: Mapping[str, str], notes: Sequence[str]
) -> str | None:
    """The value of one declared variable, or ``None`` when it has none for ``text``."""
    value: str | None = None
    if variable.extract is not None:
        captured = first_group(variable.extract, text)
        if captured is not None:
            if variable.lookup == "range_table":
                value = range_table_year(int(captured), notes) if captured.isdigit() else None
            elif variable.lookup is None:
                value = (variable.format or "{1}").replace("{1}", captured)
    if value is None:
        chosen = qualifiers.get(variable.name)
        if chosen is not None and (not variable.choices or chosen in variable.choices):
            value = chosen
        elif chosen is None:
            value = variable.default
    if value is not None and variable.transform == "uppercase":
        return value.upper()
    if value is not None and variable.transform == "lowercase":
        return value.lower()
    return value


def placeholder_values(
    entry: Entry,
    template: str,
    text: str,
    *,
    version: str | None,
    item_version: str | None,
    qualifiers: Mapping[str, str],
    notes: Sequence[str],
) -> dict[str, str]:
    """The value of every placeholder of ``template`` that has one.

    :param entry: the entry that matched ``text`` (its variables are the declared ones).
    :param text: what the entry matched: the subpath, the item version, or the name of a
        source or namespace that takes names as items.
    :param notes: the notes a ``range_table`` variable reads (the parent's, then its own).
    """
    values: dict[str, str] = {}
    for variable in entry.variables:
        value = variable_value(variable, text, qualifiers, notes)
        if value:
            values[variable.name] = value
    built_in = {"id": text, "id_lower": text.lower(), "id_upper": text.upper()}
    if version:
        built_in["version"] = version
    if item_version:
        built_in["item_version"] = item_version
    for name, value in built_in.items():
        values.setdefault(name, value)
    names = placeholders(template)
    if len(names) == 1 and names[0] not in BUILT_INS | values.keys() and not entry.variables:
        run = _run_value(text, (*entry.patterns, *entry.id_patterns))
        if run is not None:
            values[names[0]] = run
    for name, value in qualifiers.items():
        values.setdefault(name, value)
    return values


def _run_value(text: str, patterns: Sequence[Regex]) -> str | None:
    """The text of the one variable run, when exactly one pattern matches and has one run.

    ``{num}`` of ``CWE-79`` under ``CWE-\\d+`` is ``79``: the run is all that tells two
    items apart, so it is what a per-item URL with one placeholder can only carry. Several
    runs, alternations or several matching patterns leave the choice open: no value.
    """
    matching = [regex for regex in patterns if matches(regex, text)]
    if len(matching) != 1:
        return None
    shape = _ONE_RUN.fullmatch(matching[0].pattern)
    if shape is None:
        return None
    before, run, after = shape.groups()
    return first_group(Regex(f"^{before}({run}){after}$", matching[0].flags), text)
