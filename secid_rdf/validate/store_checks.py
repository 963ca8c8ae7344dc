"""Checks of a converted registry that SHACL cannot express portably, run on the store.

A Python regex that does not compile, an XPath form the SPARQL engine refuses, a ``secid:``
term the ontology does not declare: each SHACL engine has its own regex dialect and none
knows the ontology, so these run as SPARQL over the store and are located like SHACL results.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pyoxigraph import QuerySolutions, Store

from secid_rdf.findings import Finding, Location, Severity
from secid_rdf.vocab import SECID, SECID_CLASSES, SECID_NAMESPACE

__all__ = ["RULE_REGEX", "RULE_TERM", "Locator", "iter_extra_findings", "select"]

RULE_REGEX = "secidsh:regex-compiles"
"""A ``secido:regex`` or ``secido:extractPattern`` that Python's ``re`` rejects."""

RULE_TERM = "secidsh:declared-term"
"""A ``secido:`` class or property the ontology does not declare."""

Locator = Callable[[str, str | None], Location | None]
"""(focus IRI, path IRI or ``None``) → where the user should look, if known."""


_REGEX_QUERY = f"""
SELECT ?s ?p ?r WHERE {{
    ?s ?p ?r .
    FILTER (?p IN (<{SECID_NAMESPACE}regex>, <{SECID_NAMESPACE}extractPattern>))
}}
"""

_XPATH_QUERY = f"""
SELECT ?s ?x (REGEX("", ?x, COALESCE(?f, "")) AS ?compiles) WHERE {{
    ?s <{SECID_NAMESPACE}xpathRegex> ?x .
    OPTIONAL {{ ?s <{SECID_NAMESPACE}regexFlags> ?f }}
}}
"""

_CLASSES_QUERY = f"""
SELECT DISTINCT ?term WHERE {{ ?s a ?term FILTER (STRSTARTS(STR(?term), "{SECID_NAMESPACE}")) }}
"""

_TERMS_QUERY = f"""
SELECT ?term (MIN(STR(?s)) AS ?subject) WHERE {{
    {{ ?s ?term ?o }} UNION {{ ?s a ?term }}
    FILTER (STRSTARTS(STR(?term), "{SECID_NAMESPACE}"))
}} GROUP BY ?term
"""


def iter_extra_findings(data: Store, locate: Locator) -> Iterator[Finding]:
    """Checks SHACL cannot express portably, as findings located like SHACL results.

    - every ``secido:regex`` and ``secido:extractPattern`` compiles with Python ``re``, the
      dialect the registry is written in (each SHACL engine has only its own regex engine),
      and every XPath form compiles in the SPARQL engine (Oxigraph refuses ``a{1000000}``,
      which Python accepts);
    - every ``secid:`` class and property used is one the ontology declares (a misspelt
      term would otherwise pass every shape unnoticed; concepts such as
      ``secidv:status/bogus`` are objects of ``secido:status``, judged by the shapes).
    """
    for row in select(data, _REGEX_QUERY):
        pattern = row["r"].value
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError) as error:
            subject, predicate = row["s"].value, row["p"].value
            yield Finding(
                locate(subject, predicate),
                Severity.ERROR,
                RULE_REGEX,
                f"{pattern!r} is not a valid regular expression: {error}",
            )
    for row in select(data, _XPATH_QUERY):
        if row["compiles"] is None:  # the engine's regex compiler refused it (too large ...)
            subject = row["s"].value
            yield Finding(
                locate(subject, SECID_NAMESPACE + "regex"),
                Severity.ERROR,
                RULE_REGEX,
                f"the SPARQL regex engine cannot compile {row['x'].value[:80]!r} (too large "
                "once repeats are expanded?): no SPARQL lookup can use this pattern",
            )
    declared = {SECID.iri(name) for name in SECID}
    classes = {SECID.iri(name) for name in SECID_CLASSES}
    used_as_class = {row["term"].value for row in select(data, _CLASSES_QUERY)}
    for row in select(data, _TERMS_QUERY):
        term, subject = row["term"].value, row["subject"].value
        if term in declared and (term not in used_as_class or term in classes):
            continue
        yield Finding(
            locate(subject, None),
            Severity.ERROR,
            RULE_TERM,
            f"secido:{term[len(SECID_NAMESPACE) :]} is not a "
            f"{'class' if term in used_as_class else 'term'} of the SecID ontology "
            f"(used on <{subject}>)",
        )


def select(data: Store, query: str) -> QuerySolutions:
    """The solutions of a validation ``SELECT`` query (this module's or ``shacl.py``'s)."""
    solutions = data.query(query)
    if not isinstance(solutions, QuerySolutions):
        raise TypeError(f"expected a SELECT query, got {query!r}")
    return solutions
