"""Python-to-XPath regex translation, checked against Python ``re`` and Oxigraph's REGEX.

A translated pattern must give the same verdict as the original in Python (what the registry
means), in Oxigraph's SPARQL ``REGEX`` (what a store resolving SecIDs runs) and in Python on
the translated text (what pyshacl runs for ``sh:pattern``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
import pytest
from conftest import registry_path
from hypothesis import given, settings
from hypothesis import strategies as st

from secid_rdf.convert.regex import UntranslatableRegexError, XPathRegex, python_to_xpath
from secid_rdf.model import MatchNode, Registry
from secid_rdf.read.registry import read_registry
from secid_rdf.secid import parse_secid

_STORE = ox.Store()


def oxigraph_verdicts(pairs: Iterable[tuple[str, XPathRegex]]) -> list[bool]:
    """Oxigraph's ``REGEX(text, pattern, flags)`` for each pair, in one query."""
    pairs = list(pairs)
    rows = "\n".join(
        f"({index} {ox.Literal(text)} {ox.Literal(x.pattern)} {ox.Literal(x.flags)})"
        for index, (text, x) in enumerate(pairs)
    )
    query = (
        "SELECT ?i (REGEX(?text, ?pattern, ?flags) AS ?match) "
        f"WHERE {{ VALUES (?i ?text ?pattern ?flags) {{ {rows} }} }}"
    )
    verdicts = {int(s["i"].value): s["match"] for s in _STORE.query(query)}
    assert all(verdicts.get(i) is not None for i in range(len(pairs))), "REGEX raised an error"
    return [verdicts[i].value == "true" for i in range(len(pairs))]


def python_verdict(x: XPathRegex, text: str) -> bool:
    """Python ``re`` on the translated pattern with its flags, as pyshacl runs sh:pattern."""
    flags = sum((getattr(re, f.upper()) for f in x.flags), re.NOFLAG)
    return re.search(x.pattern, text, flags) is not None


# -- the corpora --------------------------------------------------------------------------


def _example_text(value: str, *, subpath: bool) -> str:
    """The part of an example a pattern is meant to match (full SecIDs are cut down)."""
    if not value.startswith("secid:"):
        return value
    parts = parse_secid(value)
    return (parts.subpath if subpath else parts.name) or ""


def _node_patterns(node: MatchNode) -> Iterator[tuple[str, list[str]]]:
    examples = [e.value for e in node.examples]
    for pattern in node.patterns:
        yield pattern.regex, [_example_text(v, subpath=False) for v in examples]
    for pattern in node.id_patterns:
        yield pattern.regex, [_example_text(v, subpath=True) for v in examples]
    for variable in node.variables:
        if variable.extract:
            yield variable.extract, [_example_text(v, subpath=True) for v in examples]
    for child in node.children:
        yield from _node_patterns(child)


def corpus_patterns(registry: Registry) -> dict[str, set[str]]:
    """Every regex of a registry, with the examples of the entry that carries it."""
    found: dict[str, set[str]] = {}
    for namespace in registry.namespaces:
        texts = [_example_text(e.value, subpath=False) for e in namespace.examples]
        pairs = [(p.regex, texts) for p in namespace.id_patterns]
        for source in namespace.sources:
            pairs.extend(_node_patterns(source))
        for regex, examples in pairs:
            found.setdefault(regex, set()).update(e for e in examples if e)
    return found


@pytest.fixture(scope="module", params=["markdown-sample", "json-sample", "markdown", "json"])
def patterns(request: pytest.FixtureRequest) -> dict[str, set[str]]:
    return corpus_patterns(read_registry(registry_path(request.param)))


UNTRANSLATABLE_IN_CORPORA: dict[str, str] = {}
"""Corpus patterns with no portable form (none today), and the construct that prevents it."""


def test_every_corpus_pattern_translates(patterns: dict[str, set[str]]) -> None:
    failed = {}
    for regex in patterns:
        try:
            python_to_xpath(regex)
        except UntranslatableRegexError as error:
            failed[regex] = error.reason
    assert failed == UNTRANSLATABLE_IN_CORPORA


def test_corpus_patterns_give_python_verdicts_in_oxigraph_and_pyshacl(
    patterns: dict[str, set[str]],
) -> None:
    # each pattern against its own examples and a few decoys (other patterns' examples)
    decoys = sorted({e for examples in patterns.values() for e in examples})[::97][:12]
    pairs = [
        (text, regex)
        for regex, examples in sorted(patterns.items())
        for text in sorted(examples | set(decoys))
    ]
    translated = [(text, python_to_xpath(regex)) for text, regex in pairs]
    expected = [re.search(regex, text) is not None for text, regex in pairs]
    assert sum(expected) > len(patterns) // 2, "the examples should mostly match"
    in_oxigraph = oxigraph_verdicts(translated)
    in_python = [python_verdict(x, text) for text, x in translated]
    wrong = [
        (regex, text, want, got_o, got_p)
        for (text, regex), want, got_o, got_p in zip(
            pairs, expected, in_oxigraph, in_python, strict=True
        )
        if not want == got_o == got_p
    ]
    assert wrong == []


# -- rewrites -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("python", "pattern", "flags"),
    [
        (r"(?i)^CVE-\d{4}-\d{4,}$", r"^CVE-\d{4}-\d{4,}$", "i"),
        (r"(?s)(?mi)^a.b$", r"^a.b$", "ims"),
        ("(?x) ^ a \\  b  # comment\n $", "^a b$", ""),
        (r"(?a)\d\w\s", "[0-9][0-9A-Za-z_][\\t\\n\\r ]", ""),
        (r"(?u)\d", r"\d", ""),
        (r"^.+$", r"^[^\n]+$", ""),
        (r"^(?P<year>\d{4})(?#comment)$", r"^(\d{4})$", ""),
        (r"(?:ab)+", r"(?:ab)+", ""),
        (r"a\/b\#c\:d", "a/b#c:d", ""),
        (r"\x41\u00e9\N{BULLET}\101", "A\u00e9\u2022A", ""),
        (r"\x2e", r"\.", ""),
        (r"a{,3}b{2,}c{1}d*?", r"a{0,3}b{2,}c{1}d*?", ""),
        (r"a{b}]", r"a\{b\}\]", ""),
        (r"[a-z-][-x][^]a][\^]", r"[a-z\-][\-x][^\]a][\^]", ""),
        (r"[A-Z&&]{2}[~~]", r"[A-Z&]{2}[~]", ""),
        (r"\A\d\Z", r"^\d$", ""),
        (r"[\s\S]*", r"[\s\S]*", ""),
        (r"[\b-]", r"[\-]", ""),
        (r"[\x00-\x7f]", "[\t-\n\r -\x7f]", ""),
        (r"[^\x00-\x08]", r"[\s\S]", ""),
    ],
)
def test_translation_rewrites(python: str, pattern: str, flags: str) -> None:
    assert python_to_xpath(python) == XPathRegex(pattern, flags)


@pytest.mark.parametrize(
    ("python", "reason"),
    [
        (r"a(?=b)", "lookahead"),
        (r"a(?!b)", "negative lookahead"),
        (r"(?<=a)b", "lookbehind"),
        (r"(?<!a)b", "negative lookbehind"),
        (r"(a)\1", "back-reference"),
        (r"(?P<x>a)(?P=x)", "named back-reference"),
        (r"\bword\b", "word boundary"),
        (r"(?>a+)b", "atomic group"),
        (r"a++", "possessive quantifier"),
        (r"(a)?(?(1)b|c)", "conditional group"),
        (r"(?i:a)b", "scoped inline flags"),
        (r"[\Sa]", "cannot be spelled portably"),
        (r"(?m)\Afoo", "MULTILINE"),
        (r"(unclosed", "not a valid Python regex"),
        (r"(?L)a", "not a valid Python regex"),
        (r"a\x07", "U+0007 cannot appear in an XML string"),
        (r"[\b]", "empty character class"),
    ],
)
def test_untranslatable_constructs_are_named(python: str, reason: str) -> None:
    with pytest.raises(UntranslatableRegexError, match=re.escape(reason)) as caught:
        python_to_xpath(python)
    assert isinstance(caught.value, ValueError)


def test_digit_class_is_unicode_in_every_engine() -> None:
    """``\\d`` stays ``\\d``: Python, XPath and Oxigraph all read it as Unicode ``Nd``."""
    x = python_to_xpath(r"^\d+$")
    arabic_indic = "\u0663\u0664"
    assert re.search(r"^\d+$", arabic_indic)
    assert oxigraph_verdicts([(arabic_indic, x), ("12a", x)]) == [True, False]


def _is_xml_char(code: int) -> bool:
    """XML 1.0 ``Char``, written out independently of the module under test."""
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or (0x10000 <= code <= 0x10FFFF)
    )


def test_whitespace_class_is_pythons_within_xml() -> None:
    """``\\s`` keeps every whitespace character an ``xsd:string`` can hold, and no other."""
    x = python_to_xpath(r"^\s$")
    python_spaces = {
        chr(c) for c in range(sys.maxunicode + 1) if re.match(r"\s", chr(c)) and _is_xml_char(c)
    }
    translated = re.compile(x.pattern)
    assert {chr(c) for c in range(sys.maxunicode + 1) if translated.match(chr(c))} == python_spaces
    sample = [*sorted(python_spaces), "a", "\u200b"]
    assert oxigraph_verdicts((c, x) for c in sample) == [c in python_spaces for c in sample]


@pytest.mark.parametrize(
    "python", [r"^[^\s]+$", r"\S", r"(?a)[\s]", r"[\x00-\uffff]", r"[^\ud800-\udfff]"]
)
def test_translation_holds_only_xml_characters(python: str) -> None:
    """The pattern is written as an ``xsd:string``; doi.org's ``[^\\s]`` held U+000B..."""
    pattern = python_to_xpath(python).pattern
    assert all(_is_xml_char(ord(char)) for char in pattern), ascii(pattern)


def test_dot_refuses_only_newline_without_the_s_flag() -> None:
    dot = python_to_xpath("^a.b$")
    texts = ["a\nb", "a\rb", "axb"]
    assert oxigraph_verdicts((t, dot) for t in texts) == [False, True, True]
    assert [python_verdict(dot, t) for t in texts] == [False, True, True]
    dot_all = python_to_xpath("(?s)^a.b$")
    assert oxigraph_verdicts([("a\nb", dot_all)]) == [True]


def test_dollar_is_the_very_end() -> None:
    """The documented divergence: Python's ``$`` also matches before a final newline."""
    x = python_to_xpath("^a$")
    assert re.search("^a$", "a\n")
    assert oxigraph_verdicts([("a\n", x), ("a", x)]) == [False, True]


_ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "A",
        "0",
        "-",
        ".",
        r"\d",
        r"\w",
        r"\s",
        r"\.",
        r"\-",
        r"\/",
        "[a-c]",
        "[^a]",
        r"[\d.]",
        "(?:ab|c)",
        "(b|0)",
        "[-a]",
        r"\x41",
        "é",
        " ",
        "#",
    ]
)
_QUANTIFIERS = st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,3}", "{,2}", "*?", "+?"])
_PATTERNS = st.builds(
    lambda flags, start, atoms, end: flags + start + "".join(atoms) + end,
    st.sampled_from(["", "(?i)", "(?s)", "(?is)"]),
    st.sampled_from(["", "^"]),
    st.lists(st.builds(lambda a, q: a + q, _ATOMS, _QUANTIFIERS), min_size=1, max_size=5),
    st.sampled_from(["", "$"]),
)
_TEXTS = st.text(alphabet="abcAB0123-./ é\u0663\n\tx#", max_size=12)


@settings(max_examples=150, deadline=None)
@given(_PATTERNS, st.lists(_TEXTS, min_size=1, max_size=6))
def test_translated_patterns_agree_with_python(python: str, texts: list[str]) -> None:
    x = python_to_xpath(python)
    # the one documented divergence: Python's $ before a final newline
    texts = [t for t in texts if not (python.endswith("$") and t.endswith("\n"))]
    expected = [re.search(python, t) is not None for t in texts]
    assert [python_verdict(x, t) for t in texts] == expected
    assert oxigraph_verdicts((t, x) for t in texts) == expected
