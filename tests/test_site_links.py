"""The site's links: none broken on the site of any registry, and every IRI has its files.

The link checker is tested on small hand-made sites first, so that a clean result on the
exported sites means the links are sound, not that the checker sees nothing.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from conftest import REGISTRY_NAMES, ByName

from secid_rdf.export.run import ExportResult
from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.site.links import BrokenLink, broken_links, described_iris, unserved_iris
from secid_rdf.site.search import SCRIPT_HEAD


def write(site: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(content, encoding="utf-8")
    return site


def page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>"


# -- the checker ------------------------------------------------------------------------


def test_sound_links_of_every_kind_pass(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": page(
                '<a href="advisory/mitre.org.html#cve">x</a><a href="#top" id="top">t</a>'
                '<a href="advisory/a%20b.html">space</a><img src="logo.png" alt="">'
                '<a href="https://cve.org/">ext</a><a href="mailto:a@b.c">m</a>'
                '<a href="//example.org/x">host</a>'
            ),
            "advisory/mitre.org.html": page(
                '<section id="cve"><a href="../index.html?x=1">home</a>'
                '<a href="mitre.org.jsonld#anything">data</a></section>'
            ),
            "advisory/mitre.org.jsonld": "{}",
            "advisory/a b.html": page('<link rel="stylesheet" href="../style.css">'),
            "style.css": "",
            "logo.png": "",
        },
    )
    assert broken_links(site) == []


def test_each_kind_of_broken_link_is_reported_with_its_page(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": page(
                '<a href="advisory/missing.html">gone</a>'
                '<a href="advisory/mitre.org.html#nope">no id</a>'
                '<a href="#also-nope">no id here</a>'
                '<script src="../../outside.js"></script>'
                '<a href="/advisory/mitre.org.html">root</a>'
                '<a href="advisory/">folder</a>'
            ),
            "advisory/mitre.org.html": page('<p id="yes">y</p>'),
        },
    )
    home = PurePosixPath("index.html")
    assert broken_links(site) == [
        BrokenLink(home, "#also-nope", "no id 'also-nope' on index.html"),
        BrokenLink(home, "../../outside.js", "leaves the site root"),
        BrokenLink(
            home,
            "/advisory/mitre.org.html",
            "a root-relative link breaks when the site is not at the root",
        ),
        BrokenLink(home, "advisory/", "names a folder, not a file"),
        BrokenLink(home, "advisory/missing.html", "no file advisory/missing.html"),
        BrokenLink(home, "advisory/mitre.org.html#nope", "no id 'nope' on advisory/mitre.org.html"),
    ]
    assert str(broken_links(site)[0]) == "index.html: #also-nope: no id 'also-nope' on index.html"


def test_a_filter_result_that_leads_nowhere_is_reported(tmp_path: Path) -> None:
    rows = b'["secid:advisory/mitre.org","MITRE"],\n["secid:advisory/gone.org"],\n'
    rows += b'["secid:advisory/x","X","advisory/also-gone.html"]'
    site = write(tmp_path, {"index.html": page(""), "advisory/mitre.org.html": page("")})
    (site / "search.js").write_bytes(SCRIPT_HEAD + rows + b"\n];\n" + b"// filter\n")
    script = PurePosixPath("search.js")
    assert broken_links(site) == [
        BrokenLink(script, "advisory/also-gone.html", "no file advisory/also-gone.html"),
        BrokenLink(script, "advisory/gone.org.html", "no file advisory/gone.org.html"),
    ]


def test_an_iri_without_its_page_or_data_files_is_reported(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "advisory/mitre.org.html": "",
            "advisory/mitre.org.jsonld": "",
            "advisory/mitre.org.ttl": "",
            "advisory/mitre.org/cve.html": "",
        },
    )
    iris = [
        DEFAULT_BASE + "advisory/mitre.org",
        DEFAULT_BASE + "advisory/mitre.org?!node=abc",  # a node without SecID: its namespace
        DEFAULT_BASE + "advisory/mitre.org/cve",
        "https://example.org/elsewhere",
    ]
    assert list(unserved_iris(site, DEFAULT_BASE, iris)) == [
        (
            f"{DEFAULT_BASE}advisory/mitre.org/cve: "
            "no advisory/mitre.org/cve.jsonld, advisory/mitre.org/cve.ttl"
        ),
        f"https://example.org/elsewhere: not below {DEFAULT_BASE}",
    ]


# -- the exported sites -----------------------------------------------------------------


@pytest.mark.parametrize("name", REGISTRY_NAMES)
def test_the_site_has_no_broken_internal_link(
    name: str, exported_sites: ByName[ExportResult]
) -> None:
    out = exported_sites[name].out_dir
    assert (out / "index.html").is_file(), "the export folder is the site: index.html at the top"
    pages = list(out.rglob("*.html"))
    iris = described_iris(out / "secid.nt")
    assert len(pages) > len(iris) // 2, "a page per namespace and source"
    broken = broken_links(out)
    assert broken == [], f"{len(broken)} broken links, first: {[str(b) for b in broken[:5]]}"


@pytest.mark.parametrize("name", REGISTRY_NAMES)
def test_every_namespace_and_source_iri_has_its_page_and_data(
    name: str, exported_sites: ByName[ExportResult]
) -> None:
    out = exported_sites[name].out_dir
    iris = described_iris(out / "secid.nt")
    assert iris
    unserved = list(unserved_iris(out, DEFAULT_BASE, iris))
    assert unserved == [], f"{len(unserved)} of {len(iris)} IRIs unserved: {unserved[:5]}"
