"""The site's HTML: valid for an HTML5 parser, and inert whatever the registry says.

Pages are parsed by html5lib, which parses as browsers do. The hostile registry holds
markup in every kind of field a page shows (names, description, Markdown prose, URLs,
operator): none of it may become an element, an attribute or a script, and no
``javascript:`` URL may become a link.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest
from conftest import ByName

from secid_rdf.export.run import ExportOptions, ExportResult, export_registry

FIXTURE = Path(__file__).parent / "fixtures" / "registries" / "script-text"

HOSTILE = """---
type: advisory
namespace: hostile.org
full_name: "Hostile <img src=x onerror=alert(1)> Org"
description: "Described </script><script>alert(2)</script> <b onmouseover=alert(3)>bold</b>"
operator: "javascript:alert(4)"
website: "javascript:alert(5)"
wikipedia:
  - "javascript:alert(6)"
status: active

sources:
  db:
    full_name: "DB <svg onload=alert(7)>"
    description: "<iframe src=javascript:alert(8)></iframe>"
    urls:
      website: " JaVaScRiPt:alert(9)"
      lookup: "javascript:alert({id})"
    examples:
      - "X-1"
---

# Hostile

[a link](javascript:alert(10)) and <a href="javascript:alert(11)">raw</a>
<img src=x onerror=alert(12)> <style>body{display:none}</style>

## db

<script>alert(13)</script> [data](data:text/html,<script>alert(14)</script>)
"""

MARKERS = [f"alert({n})" for n in (1, 2, 3, 7, 12, 13)]
"""Hostile text that a page shows (names, description, prose), rendered as text."""

SCRIPT_KINDS = {"application/ld+json"}
"""The only inline script type a page may hold; other scripts are the site's own files."""

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "srcset", "cite", "data"}
"""Attributes a browser reads as a URL to follow or load."""

_SCHEME_NOISE = re.compile(r"[\x00-\x20]")


def parse(html: bytes) -> tuple[Element, list[str]]:
    """The document tree and html5lib's parse errors, as ``line:col code`` strings."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    tree = parser.parse(html)
    errors = [f"{line}:{col} {code} {data}" for (line, col), code, data in parser.errors]
    return tree, errors


def shown_text(tree: Element) -> str:
    """The text a person reads: every text node outside ``<script>`` and ``<style>``."""
    parts = []
    for element in tree.iter():
        if str(element.tag) not in {"script", "style"} and element.text:
            parts.append(element.text)
        if element.tail:
            parts.append(element.tail)
    return " ".join(parts)


def pages(site: Path) -> list[Path]:
    found = sorted(site.rglob("*.html"))
    assert found, f"no page in {site}"
    return found


@pytest.fixture(scope="module")
def bundled_site(exported_sites: ByName[ExportResult]) -> Path:
    return exported_sites["bundled"].out_dir


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    registry = tmp_path_factory.mktemp("hostile-registry") / "registry"
    shutil.copytree(FIXTURE, registry)
    (registry / "advisory" / "org" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile-site")
    export_registry(registry, out, ExportOptions(), show_progress=False)
    return out


def test_every_page_of_the_bundled_site_parses_without_an_error(bundled_site: Path) -> None:
    failures = {}
    for page in pages(bundled_site):
        _, errors = parse(page.read_bytes())
        if errors:
            failures[str(page.relative_to(bundled_site))] = errors[:3]
    assert failures == {}


def test_hostile_registry_pages_parse_without_an_error(hostile_site: Path) -> None:
    for page in pages(hostile_site):
        _, errors = parse(page.read_bytes())
        assert errors == [], page.relative_to(hostile_site)


def test_no_registry_text_becomes_an_element_attribute_or_script(hostile_site: Path) -> None:
    shown = ""
    for page in pages(hostile_site):
        tree, _ = parse(page.read_bytes())
        where = page.relative_to(hostile_site)
        for element in tree.iter():
            tag = str(element.tag)
            assert tag not in {"iframe", "object", "embed", "frame"}, where
            assert not (tag == "img" and element.get("src") == "x"), where
            assert not (tag == "style" and "display:none" in (element.text or "")), where
            events = [name for name in element.attrib if name.lower().startswith("on")]
            assert events == [], f"{where}: <{tag} {events}>"
            if tag == "script":
                if "src" in element.attrib:
                    assert element.text is None or not element.text.strip(), where
                    continue
                assert element.get("type") in SCRIPT_KINDS, where
                json.loads(element.text or "")  # intact: the text did not end the script
        shown += shown_text(tree)
    for marker in MARKERS:
        assert marker in shown, f"{marker} should be shown as text"


def test_no_javascript_url_becomes_a_link_anywhere_in_the_site(hostile_site: Path) -> None:
    for page in pages(hostile_site):
        tree, _ = parse(page.read_bytes())
        for element in tree.iter():
            for name, value in element.attrib.items():
                if name.lower() not in URL_ATTRIBUTES:
                    continue
                scheme = _SCHEME_NOISE.sub("", value).lower()
                assert not scheme.startswith(("javascript:", "data:", "vbscript:")), (
                    f"{page.relative_to(hostile_site)}: <{element.tag} {name}={value!r}>"
                )


_HEADING = re.compile(rb"<h([1-6])[\s>]")


def outline_problems(html: bytes) -> list[str]:
    """Where a page's heading outline fails a screen reader: not one ``<h1>``, a skipped level."""
    levels = [int(level) for level in _HEADING.findall(html)]
    problems = [] if levels.count(1) == 1 else [f"{levels.count(1)} h1"]
    problems += [f"h{a} -> h{b}" for a, b in itertools.pairwise(levels) if b > a + 1]
    return problems


def test_outline_check_sees_a_skipped_level() -> None:
    assert outline_problems(b"<h1>a</h1><h2 id=x>b</h2><h4>c</h4><h1>d</h1>") == [
        "2 h1",
        "h2 -> h4",
    ]


@pytest.mark.parametrize("name", ["bundled", "json-sample", "markdown-sample", "json", "markdown"])
def test_every_page_has_one_h1_and_headings_that_never_skip_a_level(
    name: str, exported_sites: ByName[ExportResult]
) -> None:
    # registry prose brings its own headings (# ... ###): they go under the page's own
    site = exported_sites[name].out_dir
    bad = {
        str(page.relative_to(site)): problems
        for page in pages(site)
        if (problems := outline_problems(page.read_bytes()))
    }
    assert bad == {}
