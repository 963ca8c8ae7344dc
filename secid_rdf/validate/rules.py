"""What each rule id means, for reports that describe their rules (SARIF).

A shape's description is its ``sh:message``; the rules checked outside SHACL (reading,
conversion, the Python-side checks) are described here. Every rule gets a help address:
its IRI in the shapes namespace, ``https://w3id.org/secid/shapes#<rule>``, which the
project documents in ``docs/validation.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from rdflib import URIRef

from secid_rdf.validate.shacl import SHAPES_NAMESPACE, load_shapes

__all__ = ["OTHER_RULES", "help_uri", "rule_descriptions"]

OTHER_RULES: dict[str, str] = {
    "read": "The file cannot be read as a registry file, or a value in it has the wrong form "
    "(not UTF-8, not YAML or JSON, a key of the wrong type, a repeated namespace or source).",
    "convert-iri": "A URL is not an absolute IRI. When only some characters need "
    "percent-encoding it is kept, encoded, with a warning; otherwise it is left out.",
    "convert-reference": "An operator, cross reference or deprecated_by is neither a SecID "
    "nor an IRI.",
    "convert-regex": "A pattern has no XPath form; the original is kept.",
    "convert-duplicate": "Two namespaces, or two sources of one namespace, claim one SecID.",
    "secidsh:regex-compiles": "An id pattern or extract regex that Python's re, the "
    "registry's dialect, does not compile.",
    "secidsh:declared-term": "A secid: class or property that the SecID ontology does not "
    "declare (a misspelt term).",
}
"""Rules that no shape states, with what they check."""


@cache
def _shape_messages() -> dict[str, str]:
    """``secidsh:<name>`` → the shape's message, from the shipped shapes."""
    shapes = load_shapes()
    message = URIRef("http://www.w3.org/ns/shacl#message")
    found: dict[str, str] = {}
    for shape, text in shapes.subject_objects(message):
        name = str(shape)
        if name.startswith(SHAPES_NAMESPACE):
            rule = "secidsh:" + name[len(SHAPES_NAMESPACE) :]
            found[rule] = min(found.get(rule, str(text)), str(text))
    return found


def rule_descriptions(rules: Iterable[str]) -> dict[str, str]:
    """A description of each rule (the rule id itself when nothing describes it)."""
    wanted = sorted(set(rules))
    known = dict(OTHER_RULES)
    if any(rule not in known for rule in wanted):
        known.update(_shape_messages())
    return {rule: known.get(rule, rule) for rule in wanted}


def help_uri(rule: str) -> str:
    """Where a rule is explained: its IRI in the shapes namespace.

    >>> help_uri("secidsh:Namespace-status")
    'https://w3id.org/secid/shapes#Namespace-status'
    >>> help_uri("read")
    'https://w3id.org/secid/shapes#read'
    """
    return SHAPES_NAMESPACE + rule.removeprefix("secidsh:")
