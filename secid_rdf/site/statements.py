"""A small read-only view of RDF statements, subject by subject, for the documentation pages.

The ontology, the concept schemes and the dataset description are a few hundred triples
each; the pages that document them ask "what does this subject say for this predicate",
always in the same order whatever order the statements came in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Quad, Triple

from secid_rdf.vocab import RDF

__all__ = ["Statements", "Value"]

Value = NamedNode | Literal
"""An object the pages show: an IRI or a literal (blank nodes are not documented)."""


def _order(value: Value) -> tuple[int, str, str]:
    """IRIs before literals, English literals before others, then by text."""
    if isinstance(value, NamedNode):
        return (0, "", value.value)
    return (1 if value.language in (None, "en") else 2, value.language or "", value.value)


class Statements:
    """Each IRI subject's objects by predicate; graph names are ignored."""

    def __init__(self, statements: Iterable[Quad | Triple]) -> None:
        """Index ``statements`` by subject and predicate (blank-node terms are skipped)."""
        table: defaultdict[str, defaultdict[str, set[Value]]] = defaultdict(
            lambda: defaultdict(set)
        )
        for statement in statements:
            subject, obj = statement.subject, statement.object
            if isinstance(subject, NamedNode) and isinstance(obj, NamedNode | Literal):
                table[subject.value][statement.predicate.value].add(obj)
        self._table = {
            subject: {predicate: sorted(values, key=_order) for predicate, values in by.items()}
            for subject, by in table.items()
        }

    def values(self, subject: str, predicate: NamedNode) -> list[Value]:
        """The objects of ``subject`` for ``predicate``, in a fixed order."""
        return self._table.get(subject, {}).get(predicate.value, [])

    def iris(self, subject: str, predicate: NamedNode) -> list[str]:
        """The IRI objects of ``subject`` for ``predicate``."""
        return [
            value.value for value in self.values(subject, predicate) if isinstance(value, NamedNode)
        ]

    def text(self, subject: str, *predicates: NamedNode) -> str | None:
        """The first literal of the first predicate that has one (English preferred)."""
        for predicate in predicates:
            for value in self.values(subject, predicate):
                if isinstance(value, Literal):
                    return value.value
        return None

    def of_type(self, cls: NamedNode) -> list[str]:
        """The subjects typed ``cls``, sorted by IRI."""
        return sorted(
            subject for subject, by in self._table.items() if cls in by.get(RDF.type.value, ())
        )
