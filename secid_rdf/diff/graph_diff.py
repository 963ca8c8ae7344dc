"""The quads of one namespace on two sides, read as changes a reviewer can follow.

SecIDs are found by ``dcterms:identifier``; a removed and an added SecID whose other facts
are the same are a rename. Facts are compared with content-named things (match nodes,
patterns, links: the ``?!node=<hash>`` steps of ``docs/iris.md``) named by owner and kind,
so an edited template is one changed value rather than a resource removed and another
added. Predicates are sorted into categories by their terms in :mod:`secid_rdf.vocab`,
looked up by name: a term renamed there lands in "other facts" instead of failing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from pyoxigraph import Literal, NamedNode, Quad

from secid_rdf.diff.changes import FactChange, GroupChange
from secid_rdf.vocab import DATA_PREFIX, DCTERMS, PREFIXES, RDFS, SECID, SKOS, Vocabulary

__all__ = ["OTHER", "canonical", "group_change"]

OTHER = "other facts"
"""The category of a predicate no other category lists."""

_CATEGORY_TERMS: tuple[tuple[str, tuple[tuple[Vocabulary, str], ...]], ...] = (
    ("names", ((RDFS, "label"), (SKOS, "prefLabel"), (SKOS, "altLabel"), (SECID, "name"))),
    ("operators", ((SECID, "operator"),)),
    ("status", ((SECID, "status"), (SECID, "statusNote"), (SECID, "deprecatedDate"))),
    (
        "versions",
        (
            (SECID, "hasVersion"),
            (SECID, "versionString"),
            (SECID, "versionRequired"),
            (SECID, "unversionedBehavior"),
        ),
    ),
    ("URL links", ((SECID, "hasLink"), (SECID, "target"))),
    ("URL templates", ((SECID, "hasUrlTemplate"), (SECID, "template"))),
    (
        "patterns",
        (
            (SECID, "matchPattern"),
            (SECID, "hasIdPattern"),
            (SECID, "regex"),
            (SECID, "xpathRegex"),
            (SECID, "regexFlags"),
        ),
    ),
    ("example URLs", ((SECID, "exampleUrl"),)),
)


def _categories() -> dict[str, str]:
    """Predicate IRI → category, for the terms the vocabularies still have."""
    table: dict[str, str] = {}
    for category, terms in _CATEGORY_TERMS:
        for vocabulary, name in terms:
            if name in vocabulary:
                table[vocabulary[name].value] = category
    return table


_CATEGORY = _categories()
_CONTENT_STEPS = ("!node=", "!match=", "!pattern=")


def canonical(iri: str) -> str:
    """``iri`` with content-named steps cut to their kind (a link keeps its link kind).

    >>> canonical("https://w3id.org/secid/a/b.org/c?!node=3c1f&!var=id#X")
    'https://w3id.org/secid/a/b.org/c?!node&!var=id#X'
    >>> canonical("https://w3id.org/secid/a/b.org?!url=lookup,https://b.org/{id}")
    'https://w3id.org/secid/a/b.org?!url=lookup'
    """
    head, hash_sign, fragment = iri.partition("#")
    path, question, query = head.partition("?")
    if not question:
        return iri
    items = []
    for item in query.split("&"):
        if item.startswith(_CONTENT_STEPS):
            item = item.partition("=")[0]
        elif item.startswith("!url="):
            item = item.partition(",")[0]
        items.append(item)
    return f"{path}?{'&'.join(items)}{hash_sign}{fragment}"


def owner_of(iri: str) -> str:
    """The IRI a step IRI hangs off: every ``!`` query item removed.

    >>> owner_of("https://w3id.org/secid/a/b.org/c?!node=3c1f&!var=id#X")
    'https://w3id.org/secid/a/b.org/c#X'
    """
    head, hash_sign, fragment = iri.partition("#")
    path, question, query = head.partition("?")
    kept = [item for item in query.split("&") if question and not item.startswith("!")]
    return path + (f"?{'&'.join(kept)}" if kept else "") + hash_sign + fragment


class _Shower:
    """Terms shown short: data IRIs relative to the base, vocabulary terms prefixed."""

    def __init__(self, base: str) -> None:
        self.base = base
        vocabularies = [item for item in PREFIXES.items() if item[0] != DATA_PREFIX]
        self.prefixes = sorted(vocabularies, key=lambda item: -len(item[1]))

    def term(self, term: object) -> str:
        if isinstance(term, Literal):
            return term.value
        if not isinstance(term, NamedNode):
            return str(term)
        iri = canonical(term.value)
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri[len(self.base) :] if iri.startswith(self.base) else iri


def _text(term: object) -> str:
    """The IRI or lexical form of a term (N-Triples syntax for anything else)."""
    return term.value if isinstance(term, NamedNode | Literal) else str(term)


def _identifiers(quads: Iterable[Quad]) -> dict[str, str]:
    """SecID → subject IRI, for every subject with a ``dcterms:identifier``."""
    return {
        _text(q.object): q.subject.value
        for q in quads
        if q.predicate == DCTERMS.identifier and isinstance(q.subject, NamedNode)
    }


def _signature(quads: Iterable[Quad], subject: str) -> frozenset[tuple[str, str]]:
    """What a subject says besides its name: (predicate, canonical object) pairs."""
    return frozenset(
        (
            q.predicate.value,
            canonical(q.object.value) if isinstance(q.object, NamedNode) else str(q.object),
        )
        for q in quads
        if _text(q.subject) == subject and q.predicate != DCTERMS.identifier
    )


def _renames(
    old_quads: Collection[Quad],
    new_quads: Collection[Quad],
    removed: dict[str, str],
    added: dict[str, str],
) -> list[tuple[str, str]]:
    """(old SecID, new SecID) pairs whose subjects say the same, each used once."""
    by_signature: dict[frozenset[tuple[str, str]], list[str]] = defaultdict(list)
    for secid in sorted(added):
        signature = _signature(new_quads, added[secid])
        if signature:
            by_signature[signature].append(secid)
    pairs = []
    for secid in sorted(removed):
        candidates = by_signature.get(_signature(old_quads, removed[secid]))
        if candidates and len(candidates) == 1:
            pairs.append((secid, candidates.pop()))
    return pairs


def group_change(
    name: str, old_quads: frozenset[Quad], new_quads: frozenset[Quad], *, base: str
) -> GroupChange | None:
    """The changes of one group of quads (a namespace's), or ``None`` when there are none."""
    gone = [q for q in old_quads if q not in new_quads]
    came = [q for q in new_quads if q not in old_quads]
    if not gone and not came:
        return None
    state = "added" if not old_quads else "removed" if not new_quads else "changed"
    old_ids, new_ids = _identifiers(old_quads), _identifiers(new_quads)
    removed = {s: iri for s, iri in old_ids.items() if s not in new_ids}
    added = {s: iri for s, iri in new_ids.items() if s not in old_ids}
    renamed = _renames(old_quads, new_quads, removed, added) if state == "changed" else []
    facts: tuple[FactChange, ...] = ()
    if state == "changed":
        whole = {*removed.values(), *added.values()}
        facts = _facts(gone, came, whole, _Shower(base))
    for old, new in renamed:
        del removed[old], added[new]
    removed.pop(name, None)  # the namespace itself: its state says it
    added.pop(name, None)
    return GroupChange(
        name=name,
        state=state,
        added=tuple(sorted(added)),
        removed=tuple(sorted(removed)),
        renamed=tuple(renamed),
        facts=facts,
    )


def _facts(
    gone: Iterable[Quad], came: Iterable[Quad], whole: Collection[str], shower: _Shower
) -> tuple[FactChange, ...]:
    """Changed facts, paired old → new by subject and predicate where one of each changed.

    Facts about (or pointing at) a SecID added or removed as a whole are left to that SecID.
    """
    sides: dict[tuple[str, str, str], tuple[set[str], set[str]]] = defaultdict(
        lambda: (set(), set())
    )
    for index, quads in enumerate((gone, came)):
        for q in quads:
            if owner_of(_text(q.subject)) in whole or (
                isinstance(q.object, NamedNode) and owner_of(q.object.value) in whole
            ):
                continue
            predicate = q.predicate.value
            key = (
                _CATEGORY.get(predicate, OTHER),
                shower.term(q.subject),
                shower.term(q.predicate),
            )
            sides[key][index].add(shower.term(q.object))
    facts = []
    for (category, subject, predicate), (olds, news) in sides.items():
        old_only, new_only = sorted(olds - news), sorted(news - olds)
        if len(old_only) == 1 and len(new_only) == 1:
            facts.append(FactChange(category, subject, predicate, old_only[0], new_only[0]))
            continue
        facts += [FactChange(category, subject, predicate, value, None) for value in old_only]
        facts += [FactChange(category, subject, predicate, None, value) for value in new_only]
    return tuple(sorted(facts, key=_fact_order))


def _fact_order(fact: FactChange) -> tuple[str, str, str, str, str]:
    """Facts sorted by category, subject, predicate, then values (absent first)."""
    return (fact.category, fact.subject, fact.predicate, fact.old or "", fact.new or "")
