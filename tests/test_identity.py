"""IRIs that last: every SecID is its own IRI, and nothing is named by its place in a list.

Checked on the bundled registry and both real corpora: the IRI of everything that has a
SecID is the base plus that SecID; shuffling every list of the larger corpus (and editing
every description) changes no IRI and no label; a name-level node whose first pattern is a
plain literal gets its SecID even when a later alias is a regex.
"""

from __future__ import annotations

import json
import random
import re
import re._constants as sre_constants  # the regex parser's opcodes
import re._parser as sre_parse  # the standard library's regex parser, used as an oracle
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from pyoxigraph import Literal, NamedNode

from secid_rdf.convert.builder import Conversion, registry_to_graph
from secid_rdf.iris import DEFAULT_BASE, iri_secid, secid_iri
from secid_rdf.model import Registry
from secid_rdf.read.registry import read_registry
from secid_rdf.vocab import DCTERMS, RDFS

Conversions = dict[str, tuple[Registry, Conversion]]


def data_iris(conversion: Conversion) -> set[str]:
    """Every IRI under the data base, as subject or object."""
    found = set()
    for quad in conversion.quads:
        for term in (quad.subject, quad.object):
            if isinstance(term, NamedNode) and term.value.startswith(DEFAULT_BASE):
                found.add(term.value)
    return found


def labels(conversion: Conversion) -> dict[str, set[str]]:
    """Each subject's ``rdfs:label`` values."""
    found: dict[str, set[str]] = defaultdict(set)
    for quad in conversion.quads:
        if quad.predicate == RDFS.label and isinstance(quad.object, Literal):
            found[quad.subject.value].add(quad.object.value)
    return dict(found)


@pytest.mark.parametrize("name", ["bundled", "markdown", "json"])
def test_every_resource_with_a_secid_is_named_by_base_plus_that_secid(
    corpus_conversions: Conversions, name: str
) -> None:
    _, conversion = corpus_conversions[name]
    identified = 0
    for quad in conversion.quads:
        obj = quad.object
        if quad.predicate == DCTERMS.identifier and isinstance(obj, Literal):
            secid = obj.value
            assert quad.subject == secid_iri(DEFAULT_BASE, secid)
            # the SecID comes back by dropping the base and decoding: nothing else was done
            assert "secid:" + unquote(quad.subject.value[len(DEFAULT_BASE) :]) == secid
            assert iri_secid(DEFAULT_BASE, quad.subject.value) == secid
            identified += 1
    assert identified > 0
    assert not [iri for iri in data_iris(conversion) if "%2F" in iri]


def _literal(regex: str) -> str | None:
    """The one string a regex matches when it is only anchors, flags and literal characters."""
    core = re.sub(r"^\(\?[aiLmsux]+\)", "", regex)
    items = list(sre_parse.parse(core))
    items = [item for item in items if item[0] is not sre_constants.AT]
    if not items or any(op is not sre_constants.LITERAL for op, _ in items):
        return None
    return "".join(chr(code) for _, code in items)


def test_name_level_nodes_with_a_literal_first_pattern_carry_their_secid(
    corpus_conversions: Conversions, json_corpus: Path
) -> None:
    _, conversion = corpus_conversions["json"]
    identifiers = {
        quad.object.value
        for quad in conversion.quads
        if quad.predicate == DCTERMS.identifier and isinstance(quad.object, Literal)
    }
    expected = set()
    for path in json_corpus.rglob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "namespace" not in data:
            continue
        for node in data.get("match_nodes") or []:
            name = _literal(node["patterns"][0]) if node.get("patterns") else None
            if name is not None:
                expected.add(f"secid:{data['type']}/{data['namespace']}/{name}")
    assert "secid:capability/google.com/gcp/logging/log-sinks" in expected
    assert expected - identifiers == set()


# -- reordering and editing change no IRI ----------------------------------------------


def _shuffled(value: Any, rng: random.Random, key: str = "") -> Any:
    """Every list and source table in random order, every description edited.

    The patterns of one node keep their order: the first one names the node.
    """
    if isinstance(value, dict):
        items = [(k, _shuffled(v, rng, str(k))) for k, v in value.items()]
        if key in {"sources", "names", "urls"}:
            rng.shuffle(items)
        return {
            k: (f"{v} (edited)" if k == "description" and isinstance(v, str) else v)
            for k, v in items
        }
    if isinstance(value, list):
        items = [_shuffled(item, rng) for item in value]
        if key != "patterns":
            rng.shuffle(items)
        return items
    return value


def _shuffle_corpus(root: Path, rng: random.Random) -> None:
    for path in sorted(root.rglob("*")):
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            path.write_text(json.dumps(_shuffled(data, rng), indent=2), encoding="utf-8")
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            if not text.startswith("---\n") or "\n---\n" not in text[4:]:
                continue
            front, body = text[4:].split("\n---\n", 1)
            data = yaml.safe_load(front)
            if not isinstance(data, dict):
                continue
            front = yaml.safe_dump(_shuffled(data, rng), sort_keys=False, allow_unicode=True)
            path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def test_shuffling_every_list_and_editing_descriptions_changes_no_iri_or_label(
    corpus_conversions: Conversions, json_corpus: Path, tmp_path: Path
) -> None:
    _, original = corpus_conversions["json"]
    copy = tmp_path / "registry"
    shutil.copytree(json_corpus, copy)
    _shuffle_corpus(copy, random.Random(14))
    shuffled = registry_to_graph(read_registry(copy))
    descriptions = {
        q.object.value
        for q in shuffled.quads
        if q.predicate == DCTERMS.description and isinstance(q.object, Literal)
    }
    assert sum(text.endswith(" (edited)") for text in descriptions) > 1000
    assert data_iris(shuffled) == data_iris(original)
    assert labels(shuffled) == labels(original)
