"""Registry prose on the site: Markdown rendered safely, plain lines rendered without the parser."""

from __future__ import annotations

import html5lib
import pytest
from conftest import ByName

from secid_rdf.convert.builder import Conversion
from secid_rdf.model import MatchNode, Namespace, Registry
from secid_rdf.site.markdown import _renderer, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "</script><img src=x onerror=alert(2)>",
    "[x](javascript:alert(3)) [y](JaVaScRiPt:alert(4)) [z](data:text/html,x) [w](vbscript:x)",
    "<javascript:alert(5)> ![i](https://elsewhere.example/i.png)",
    '<a href="javascript:alert(6)">a</a> <b onclick="alert(7)">b</b>',
    "# Heading\n\ntext & more < less",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_markup_script_or_foreign_link_comes_through(text: str) -> None:
    fragment = html5lib.parseFragment(
        render_markdown(text), treebuilder="etree", namespaceHTMLElements=False
    )
    elements = list(fragment.iter())[1:]
    assert {element.tag for element in elements} <= {"p", "a", "h2", "code"}, text
    for element in elements:
        assert set(element.attrib) <= {"href"}, text
        assert element.get("href", "https:").startswith("https:"), text


def _texts(node: Namespace | MatchNode) -> list[str]:
    found = [
        value
        for name in ("description", "long_description", "prose", "status_notes")
        if isinstance(value := getattr(node, name, None), str)
    ]
    found += list(node.notes)
    for child in (*getattr(node, "sources", ()), *getattr(node, "children", ())):
        found += _texts(child)
    return found


@pytest.mark.parametrize("name", ["markdown", "json"])
def test_plain_lines_render_as_the_parser_renders_them(
    name: str, corpus_conversions: ByName[tuple[Registry, Conversion]]
) -> None:
    registry, _ = corpus_conversions[name]
    texts = sorted({text for ns in registry.namespaces for text in _texts(ns)})
    renderer = _renderer()
    for text in texts + HOSTILE + ["a\tb", "  padded  ", 'it\'s "quoted" — café']:
        parsed = renderer.renderer.render(renderer.parse(text), renderer.options, {})
        if "<h" not in parsed:
            assert render_markdown(text) == parsed, text


def test_tables_and_strikethrough_render_as_the_registry_writes_them() -> None:
    # control/iso.org's 27001 page lists the 2022 control themes as a table
    text = "Themes:\n\n| Theme | Prefix |\n|-------|:-----:|\n| Organizational | A.5 |\n\n~~2013~~"
    fragment = html5lib.parseFragment(
        render_markdown(text), treebuilder="etree", namespaceHTMLElements=False
    )
    cells = [cell.text for cell in fragment.iter() if cell.tag in {"th", "td"}]
    assert cells == ["Theme", "Prefix", "Organizational", "A.5"]
    assert [s.text for s in fragment.iter("s")] == ["2013"]
    assert "|" not in "".join(fragment.itertext())
