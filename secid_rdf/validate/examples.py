"""Every example against the id patterns it must match, with the registry's own regexes.

What an example must match depends on where it sits and how it is written:

- a bare input (JSON ``examples``, a bare top-level Markdown example) on a node: the node's
  own patterns, or those of a node below it (an input may go down to a version or subpath);
  on a source with no pattern below it, a mismatch is a warning only: the input may be meant
  as a subpath, which the registry leaves free there;
  on a namespace: the namespace's ``id_pattern(s)``, which match the name position;
- a full SecID (Markdown): its ``@version`` and ``?qualifiers`` are stripped; its
  ``#subpath`` must match the patterns of the source it names (its ``id_pattern(s)`` and
  the patterns of its child nodes); a namespace-level example names a source by its name,
  or, in a namespace without sources, must match the namespace's patterns with its name.

An example that names another namespace or source is ``secidsh:Example-belongs``'s
finding, not this one's. Patterns are run with :func:`~secid_rdf.convert.regex.match_bounded`
as whole-value matches (a pattern it refuses to run is reported by other rules, and skipped
here, as are nodes with no pattern at all).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from secid_rdf.convert.regex import UnsafeRegexError, UntranslatableRegexError, match_bounded
from secid_rdf.findings import Finding, Severity
from secid_rdf.model import Example, IdPattern, MatchNode, Namespace, Source
from secid_rdf.secid import SECID_PATTERN

__all__ = ["RULE_EXAMPLE", "example_findings", "matches_any"]

RULE_EXAMPLE = "example-pattern"
"""An example that none of the patterns it must match accepts."""

_LEADING_FLAGS = re.compile(r"\A(?:\(\?[aiLmsux]+\))*")


def example_findings(namespace: Namespace) -> Iterator[Finding]:
    """A finding for each example of ``namespace`` that its patterns refuse."""
    by_name = {source.name.casefold(): source for source in namespace.sources if source.name}
    for example in namespace.examples:
        yield from _namespace_example(namespace, by_name, example)
    pending: list[MatchNode] = list(namespace.sources)
    while pending:
        node = pending.pop()
        for example in node.examples:
            yield from _node_example(node, example)
        pending.extend(node.children)


def _namespace_example(
    namespace: Namespace, by_name: dict[str, Source], example: Example
) -> Iterator[Finding]:
    """A namespace-level example: through the source it names, or the namespace's patterns."""
    if not example.is_secid:
        yield from _judge(example, example.value, namespace.id_patterns, namespace.secid)
        return
    prefix = namespace.secid + "/"
    if not example.value.startswith(prefix):
        return  # another namespace: Example-belongs
    parts = SECID_PATTERN.match(example.value)
    if parts is None:
        return
    name = parts["path"][len(namespace.namespace) + 1 :]
    source = by_name.get(name.casefold())
    if source is not None:
        yield from _subpath(source, example, parts["subpath"])
    else:
        yield from _judge(example, name, namespace.id_patterns, namespace.secid)


def _node_example(node: MatchNode, example: Example) -> Iterator[Finding]:
    """An example of a source or match node."""
    if not example.is_secid:
        below = tuple(_below(node))
        candidates = (*node.patterns, *node.id_patterns, *below)
        # a bare input on a source that nothing below constrains may be a free subpath
        free = isinstance(node, Source) and not below and not node.id_patterns
        severity = Severity.WARNING if free else Severity.ERROR
        owner = node.secid or "this node"
        yield from _judge(example, example.value, candidates, owner, severity)
        return
    if not isinstance(node, Source) or node.secid is None:
        return
    parts = SECID_PATTERN.match(example.value)
    if parts is None or f"secid:{parts['type']}/{parts['path']}" != node.secid:
        return  # another source: Example-belongs
    yield from _subpath(node, example, parts["subpath"])


def _subpath(source: MatchNode, example: Example, subpath: str | None) -> Iterator[Finding]:
    """The ``#subpath`` of a full-SecID example against what matches a source's subpath."""
    if subpath is None:
        return
    candidates = (*source.id_patterns, *_below(source))
    yield from _judge(example, subpath, candidates, source.secid or "its source")


def _below(node: MatchNode) -> Iterator[IdPattern]:
    """The patterns of every node under ``node``."""
    pending = list(node.children)
    while pending:
        child = pending.pop()
        yield from child.patterns
        yield from child.id_patterns
        pending.extend(child.children)


def _judge(
    example: Example,
    text: str,
    candidates: tuple[IdPattern, ...],
    owner: str,
    severity: Severity = Severity.ERROR,
) -> Iterator[Finding]:
    """A finding when there are patterns to judge by and none accepts ``text``.

    A warning (``severity``) is for a bare input on a source with no pattern below it: the
    input may be meant as a subpath, which nothing in the registry describes.
    """
    verdict = matches_any(text, [pattern.regex for pattern in candidates])
    if verdict is False:
        shown = ", ".join(repr(pattern.regex) for pattern in candidates[:4])
        more = f" and {len(candidates) - 4} more" if len(candidates) > 4 else ""
        advice = (
            "fix the example or the pattern"
            if severity is Severity.ERROR
            else "as a subpath no pattern describes it: fix the example, or add a child "
            "node whose pattern matches it"
        )
        yield Finding(
            example.location,
            severity,
            RULE_EXAMPLE,
            f"example {example.value!r}: {text!r} matches none of the patterns of {owner} "
            f"({shown}{more}); {advice}",
        )


def matches_any(text: str, patterns: list[str]) -> bool | None:
    """Whether a pattern accepts all of ``text``; ``None`` when none could be run.

    >>> matches_any("cmmi-dev", ["(?i)^cmmi$"]), matches_any("CVE-1", ["CVE-\\\\d+"])
    (False, True)
    >>> matches_any("x", ["(a+)+"]) is None
    True
    """
    judged = False
    for pattern in patterns:
        flags = _LEADING_FLAGS.match(pattern)
        lead = flags.group() if flags else ""
        whole = f"{lead}^(?:{pattern[len(lead) :]})$"
        try:
            if match_bounded(whole, text) is not None:
                return True
        except (UnsafeRegexError, UntranslatableRegexError, re.error, RecursionError):
            continue
        judged = True
    return False if judged else None
