"""Every example against the id patterns it must match, with the registry's own regexes.

What an example must match depends on where it sits and how it is written:

- a bare input (JSON ``examples``, a bare top-level Markdown example) on a node: the node's
  own patterns, or those of a node below it (an input may go down to a version or subpath);
  ``name@version`` is judged by its name too; on a namespace: the namespace's
  ``id_pattern(s)``, which match the name position;
- on a source with no pattern below it, the registry uses examples two ways: as names of
  the source (``isa``), and as items of a subpath nothing describes (``saif``'s
  ``detection``). A mismatch is an error when the example is meant as a name: the source's
  pattern is more than a list of literal names (``^80001(-\\d+)?$``), the example extends
  one of those names into another name (``cmmi-dev`` under ``^cmmi$``, ``1609.2`` under
  ``^1609$``; not a record number, ``alerts-9950`` under ``^alerts$``), or another
  example of the same source is a name it accepts (``tr-103-619`` beside
  ``ts-103-744``); otherwise it is a warning: the example may be a subpath item, and only
  a child node could say so;
- a full SecID (Markdown): its ``@version`` and ``?qualifiers`` are stripped; its
  ``#subpath`` must match the patterns of the source it names (its ``id_pattern(s)`` and
  the patterns of its child nodes); a namespace-level example names a source by its name,
  or, in a namespace without sources, must match the namespace's patterns with its name.

An example that names another namespace or source is ``secidsh:Example-belongs``'s
finding, not this one's. Patterns run as whole-value matches in their XPath form, all at
once in one SPARQL ``REGEX`` query over a ``VALUES`` table: Oxigraph's regex engine runs in
linear time, so no registry pattern can make the check run away. A pattern with no XPath
form (reported by other rules) is left out, as are nodes with no pattern at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from pyoxigraph import Literal, QuerySolutions, Store

from secid_rdf.convert.regex import UntranslatableRegexError, XPathRegex, python_to_xpath
from secid_rdf.findings import Finding, Severity
from secid_rdf.model import Example, IdPattern, MatchNode, Namespace, Source
from secid_rdf.secid import SECID_PATTERN

__all__ = ["RULE_EXAMPLE", "example_findings"]

RULE_EXAMPLE = "example-pattern"
"""An example that none of the patterns it must match accepts."""


@dataclass(frozen=True)
class _Claim:
    """An example's text and the patterns one of which must accept it."""

    example: Example
    text: str
    candidates: tuple[IdPattern, ...]
    owner: str
    severity: Severity = Severity.ERROR
    name: str | None = None
    """The text before ``@`` of a bare ``name@version`` input, accepted in its place."""
    source: Source | None = None
    """The source whose examples may be subpath items (a warning claim only)."""


_LITERAL_NAME = re.compile(r"(?:\(\?i\))?\^?((?:[A-Za-z0-9_ -]|\\[.-])+)\$?")
"""A pattern that accepts one literal name (``(?i)^cmmi$``); group 1 is the name."""

_NAME_EXTENSION = frozenset("-._:")
"""What joins a name to a longer one built on it (``cmmi-dev``, ``1609.2``)."""


def example_findings(namespaces: Iterable[Namespace]) -> list[Finding]:
    """A finding for each example of ``namespaces`` that its patterns refuse."""
    claims = [claim for namespace in namespaces for claim in _claims(namespace)]
    accepted = _accepted(claims)
    named = {
        id(claim.source)
        for index, claim in enumerate(claims)
        if claim.source is not None and accepted[index] is True
    }
    return [
        _finding(claim, id(claim.source) in named)
        for index, claim in enumerate(claims)
        if accepted[index] is False
    ]


def _claims(namespace: Namespace) -> Iterator[_Claim]:
    """What each example of one namespace (read from one file) must match."""
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
) -> Iterator[_Claim]:
    """A namespace-level example: through the source it names, or the namespace's patterns."""
    if not example.is_secid:
        yield _Claim(example, example.value, namespace.id_patterns, namespace.secid)
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
        yield _Claim(example, name, namespace.id_patterns, namespace.secid)


def _node_example(node: MatchNode, example: Example) -> Iterator[_Claim]:
    """An example of a source or match node."""
    if not example.is_secid:
        below = tuple(_below(node))
        candidates = (*node.patterns, *node.id_patterns, *below)
        owner = node.secid or "this node"
        name, at, _version = example.value.partition("@")
        alone = name if at and name else None
        if isinstance(node, Source) and not below and not _meant_as_name(node, example.value):
            yield _Claim(example, example.value, candidates, owner, Severity.WARNING, alone, node)
        else:
            yield _Claim(example, example.value, candidates, owner, name=alone)
        return
    if not isinstance(node, Source) or node.secid is None:
        return
    parts = SECID_PATTERN.match(example.value)
    if parts is None or f"secid:{parts['type']}/{parts['path']}" != node.secid:
        return  # another source: Example-belongs
    yield from _subpath(node, example, parts["subpath"])


def _subpath(source: MatchNode, example: Example, subpath: str | None) -> Iterator[_Claim]:
    """The ``#subpath`` of a full-SecID example against what matches a source's subpath."""
    if subpath is None:
        return
    candidates = (*source.id_patterns, *_below(source))
    yield _Claim(example, subpath, candidates, source.secid or "its source")


def _meant_as_name(source: Source, text: str) -> bool:
    """Whether a bare input on a source with nothing below must be a name it accepts.

    It must when a pattern of the source is more than one literal name, or when the input
    extends one of the literal names into another name: a word added (``cmmi-dev`` beside
    ``cmmi``), or a part number added to a number (``1609.2`` beside ``1609``). A number
    after a word (``alerts-9950`` beside ``alerts``) reads as a record of the source.
    """
    folded = text.casefold()
    for pattern in (*source.patterns, *source.id_patterns):
        literal = _LITERAL_NAME.fullmatch(pattern.regex)
        if literal is None:
            return True
        name = literal.group(1).replace("\\", "").casefold()
        rest = folded[len(name) :]
        if folded[: len(name)] != name or rest[:1] not in _NAME_EXTENSION:
            continue
        if name[-1:].isdigit() or any(char.isalpha() for char in rest):
            return True
    return False


def _below(node: MatchNode) -> Iterator[IdPattern]:
    """The patterns of every node under ``node``."""
    pending = list(node.children)
    while pending:
        child = pending.pop()
        yield from child.patterns
        yield from child.id_patterns
        pending.extend(child.children)


def _finding(claim: _Claim, source_named: bool) -> Finding:
    """The finding for an example none of its patterns accepts.

    A warning is for a bare input on a source with no pattern below it and nothing that
    makes it a name: the input may be meant as a subpath, which nothing in the registry
    describes. It is an error after all when ``source_named``: another example of that
    source is a name its patterns accept, so its examples are names.
    """
    if source_named:
        claim = _Claim(claim.example, claim.text, claim.candidates, claim.owner)
    candidates = claim.candidates
    shown = ", ".join(repr(pattern.regex) for pattern in candidates[:4])
    more = f" and {len(candidates) - 4} more" if len(candidates) > 4 else ""
    advice = (
        "fix the example or the pattern"
        if claim.severity is Severity.ERROR
        else "as a subpath no pattern describes it: fix the example, or add a child "
        "node whose pattern matches it"
    )
    return Finding(
        claim.example.location,
        claim.severity,
        RULE_EXAMPLE,
        f"example {claim.example.value!r}: no pattern of {claim.owner} matches all of "
        f"{claim.text!r} ({shown}{more}); {advice}",
    )


@lru_cache(maxsize=4096)
def _xpath(regex: str) -> XPathRegex | None:
    """A pattern's XPath form, or ``None`` when it has none."""
    try:
        return python_to_xpath(regex)
    except (UntranslatableRegexError, RecursionError):
        return None


def _accepted(claims: list[_Claim]) -> list[bool | None]:
    """Per claim: whether a pattern accepts all of its text (``None``: none could run).

    One SPARQL query judges every (claim, pattern) pair: a row's ``REGEX`` is unbound when
    the engine cannot compile the pattern (too large, for one), which counts as not run.
    """
    rows = []
    for index, claim in enumerate(claims):
        texts = [claim.text] if claim.name is None else [claim.text, claim.name]
        for pattern, text in ((p, str(Literal(t))) for p in claim.candidates for t in texts):
            xpath = _xpath(pattern.regex)
            if xpath is not None:
                whole = str(Literal(f"^(?:{xpath.pattern})$"))
                rows.append(f"({index} {text} {whole} {Literal(xpath.flags)!s})")
    verdicts: list[bool | None] = [None] * len(claims)
    if not rows:
        return verdicts
    query = (
        "SELECT ?claim (REGEX(?text, ?pattern, ?flags) AS ?match) WHERE { "
        f"VALUES (?claim ?text ?pattern ?flags) {{ {' '.join(rows)} }} }}"
    )
    solutions = Store().query(query)
    if not isinstance(solutions, QuerySolutions):
        raise TypeError("expected the solutions of a SELECT query")
    for row in solutions:
        claim_term, match = row["claim"], row["match"]
        if claim_term is None or match is None:
            continue
        index = int(claim_term.value)
        verdicts[index] = verdicts[index] is True or match.value == "true"
    return verdicts
