"""Run registry patterns on SecID text in linear time, with RE2.

Registry patterns are untrusted and SecID text comes from anyone, so a backtracking engine
(Python ``re``) could be made to run for hours. The graph keeps each pattern translated for
engines that read XPath/Rust syntax (``secido:xpathRegex`` and its flags); RE2 reads that
syntax too and never backtracks. Two spellings differ: RE2's ``\\d`` and ``\\w`` are ASCII,
so they are widened to the Unicode classes Python and Rust use.
"""

from __future__ import annotations

import functools
import re

import re2

from secid_rdf.resolve.table import Regex

__all__ = ["compiled", "first_group", "matches"]

_ESCAPE_OR_CLASS = re.compile(r"\\.|\[|\]", re.DOTALL)
_WIDE_OUTSIDE = {
    r"\d": r"\p{Nd}",
    r"\D": r"\P{Nd}",
    r"\w": r"[\p{L}\p{N}\p{Mn}_]",
    r"\W": r"[^\p{L}\p{N}\p{Mn}_]",
}
_WIDE_INSIDE = {r"\d": r"\p{Nd}", r"\w": r"\p{L}\p{N}\p{Mn}_"}


def _unicode_classes(pattern: str) -> str:
    r"""``pattern`` with ``\d`` and ``\w`` (and, outside classes, ``\D`` and ``\W``) widened.

    >>> _unicode_classes(r"^CWE-\d+[\w.]$")
    '^CWE-\\p{Nd}+[\\p{L}\\p{N}\\p{Mn}_.]$'
    """
    depth = 0

    def widen(match: re.Match[str]) -> str:
        nonlocal depth
        token = match[0]
        if token == "[":
            depth += 1
        elif token == "]" and depth:
            depth -= 1
        return (_WIDE_INSIDE if depth else _WIDE_OUTSIDE).get(token, token)

    return _ESCAPE_OR_CLASS.sub(widen, pattern)


@functools.lru_cache(maxsize=4096)
def compiled(regex: Regex) -> re2._Regexp[str] | None:
    """The RE2 program of a registry pattern, or ``None`` when RE2 cannot compile it."""
    flags = "".join(flag for flag in regex.flags if flag in "ims")
    text = (f"(?{flags})" if flags else "") + _unicode_classes(regex.pattern)
    try:
        return re2.compile(text)
    except re2.error:
        return None


def matches(regex: Regex, text: str) -> bool:
    """True when the pattern matches somewhere in ``text`` (anchors are the pattern's own)."""
    program = compiled(regex)
    return program is not None and program.search(text) is not None


def first_group(regex: Regex, text: str) -> str | None:
    """Group 1 of the first match in ``text`` (the whole match when the pattern has none)."""
    program = compiled(regex)
    if program is None:
        return None
    found = program.search(text)
    if found is None:
        return None
    value = found.group(1) if program.groups else found.group(0)
    return value if isinstance(value, str) else None
