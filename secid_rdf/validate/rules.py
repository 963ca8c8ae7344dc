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
    "convert-iri": "A URL is not an absolute IRI, or a URL or template is not a web URL "
    "(http or https). When only some characters need percent-encoding it is kept, encoded, "
    "with a warning; otherwise it is left out.",
    "convert-reference": "An operator, cross reference or deprecated_by is neither a SecID "
    "nor an IRI.",
    "convert-regex": "A pattern has no XPath form; the original is kept.",
    "convert-duplicate": "Two namespaces, or two sources of one namespace, claim one SecID.",
    "schema": "A JSON namespace file breaks the registry's JSON schema "
    "(registry-namespace.schema.json): an unknown key, a missing required key, a value "
    "outside its enum or of the wrong type.",
    "date": "A date field (release_date, deprecated_date, checked, updated ...) that is not "
    "a calendar date written YYYY-MM-DD, YYYY-MM or YYYY.",
    "link-http": "A link written with http: (the page travels unencrypted); use https:.",
    "link-html-entity": "An HTML entity such as &amp; inside a URL, copied from a page's "
    "source: write the character itself.",
    "operator-type": "operator names a namespace of another type than entity.",
    "example-pattern": "An example that none of the id patterns it must match accepts "
    "(a bare input: its node's and the nodes' below; a SecID's #subpath: its source's).",
    "twin-disagrees": "A JSON file and its Markdown twin state one fact differently; the "
    "JSON value is used.",
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
