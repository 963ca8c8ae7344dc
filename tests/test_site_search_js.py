"""The filter in ``search.js``, run by Node.js against a minimal stand-in for the DOM.

The browser test of the whole site (Chromium) checks the filter on a real page; this one
runs in a second and covers both ways the home page works: entries listed in the HTML
(hidden and shown), and entries built from the index when the page lists none.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
from conftest import require_tool

from secid_rdf.site.search import search_script
from secid_rdf.site.summary import NamespaceSummary, SourceSummary
from secid_rdf.testing.synthetic_summaries import synthetic_summaries

NODE = shutil.which("node") or shutil.which("nodejs")


@pytest.fixture(autouse=True)
def node() -> None:
    require_tool(NODE, "the filter's test runs in Node.js", "apt-get install -y nodejs")


_HARNESS = r"""
const fs = require("fs"), vm = require("vm");
const [script, listedJson, typed] = process.argv.slice(2);
function El(tag) { this.tag = tag; this.children = []; this.attrs = {}; this.hidden = false;
  this.textContent = ""; this.className = ""; this.parentNode = null; this.listeners = {};
  this.value = ""; }
El.prototype.appendChild = function (child) {
  if (child.tag === "#fragment") { child.children.slice().forEach((c) => this.appendChild(c));
    child.children = []; return child; }
  if (child.parentNode) { child.parentNode.removeChild(child); }
  child.parentNode = this; this.children.push(child); return child; };
El.prototype.removeChild = function (child) {
  this.children.splice(this.children.indexOf(child), 1); child.parentNode = null; return child; };
Object.defineProperty(El.prototype, "firstChild", { get() { return this.children[0] || null; } });
El.prototype.setAttribute = function (key, value) { this.attrs[key] = String(value); };
El.prototype.getAttribute = function (key) { return this.attrs[key]; };
El.prototype.querySelectorAll = function () {
  return this.children.filter((c) => c.className === "entry"); };
El.prototype.querySelector = function () { return this.querySelectorAll()[0] || null; };
El.prototype.addEventListener = function (type, listener) { this.listeners[type] = listener; };
const nodes = { filter: new El("input"), "filter-count": new El("p"), entries: new El("ul"),
  search: new El("div") };
nodes.search.hidden = true;
for (const secid of JSON.parse(listedJson)) {
  const item = new El("li"); item.className = "entry"; item.setAttribute("data-secid", secid);
  nodes.entries.appendChild(item); }
const document = { getElementById: (id) => nodes[id] || null,
  createElement: (tag) => new El(tag),
  createTextNode: (text) => Object.assign(new El("#text"), { textContent: text }),
  createDocumentFragment: () => new El("#fragment") };
vm.runInNewContext(fs.readFileSync(script, "utf8"), { document });
nodes.filter.value = typed; nodes.filter.listeners.input();
const shown = nodes.entries.children.filter((c) => !c.hidden);
process.stdout.write(JSON.stringify({ count: nodes["filter-count"].textContent,
  boxHidden: nodes.search.hidden,
  shown: shown.map((c) => [c.getAttribute("data-secid"),
    c.children.map((x) => x.textContent).join("")]) }));
"""


def _run(tmp_path: Path, summaries: list[NamespaceSummary], listed: list[str], typed: str) -> dict:
    script = tmp_path / "search.js"
    script.write_bytes(search_script(summaries))
    harness = tmp_path / "harness.js"
    harness.write_text(_HARNESS, encoding="utf-8")
    done = subprocess.run(
        [str(NODE), str(harness), str(script), json.dumps(listed), typed],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def _summary(namespace: str, title: str, description: str, *sources: str) -> NamespaceSummary:
    """A namespace with sources named ``sources``; a source's description is ``About <name>``."""
    secid = f"secid:advisory/{namespace}"
    return NamespaceSummary(
        "advisory",
        namespace,
        secid,
        title,
        PurePosixPath(f"advisory/{namespace}.html"),
        description,
        "active",
        tuple(
            SourceSummary(
                f"{secid}/{s}",
                s.upper(),
                PurePosixPath(f"advisory/{namespace}/{s}.html"),
                f"About {s}",
            )
            for s in sources
        ),
    )


SMALL = [
    _summary("mitre.org", "MITRE", "Runs the CVE programme.", "cve"),
    _summary("nist.gov", "NIST", "Enriches CVE records.", "nvd"),
    _summary("evil.example", "<img src=x onerror=alert(1)>\u2028", "</script>", "db"),
]
SMALL_SECIDS = [
    "secid:advisory/mitre.org",
    "secid:advisory/mitre.org/cve",
    "secid:advisory/nist.gov",
    "secid:advisory/nist.gov/nvd",
    "secid:advisory/evil.example",
    "secid:advisory/evil.example/db",
]


def test_listed_entries_are_hidden_unless_every_word_matches(tmp_path: Path) -> None:
    """Words match the SecID, title or description, case-insensitively; the count follows."""
    result = _run(tmp_path, SMALL, SMALL_SECIDS, "  Cve  MITRE ")
    assert [secid for secid, _ in result["shown"]] == [
        "secid:advisory/mitre.org",
        "secid:advisory/mitre.org/cve",
    ]
    assert result["count"] == "2 of 6 entries match."
    assert result["boxHidden"] is False
    assert _run(tmp_path, SMALL, SMALL_SECIDS, "enriches")["count"] == "1 of 6 entries match."


@pytest.mark.parametrize(
    "typed",
    [
        "secid:advisory/nist.gov/nvd#CVE-2021-44228",
        "advisory/nist.gov/nvd@2.0",
        "nist.gov/nvd?lang=ja",
    ],
)
def test_a_secid_pasted_whole_finds_its_source(tmp_path: Path, typed: str) -> None:
    result = _run(tmp_path, SMALL, [], typed)
    assert [secid for secid, _ in result["shown"]] == ["secid:advisory/nist.gov/nvd"]


def test_a_source_is_found_by_its_description(tmp_path: Path) -> None:
    result = _run(tmp_path, SMALL, [], "about nvd")
    assert [secid for secid, _ in result["shown"]] == ["secid:advisory/nist.gov/nvd"]


def test_entries_are_built_from_the_index_as_text(tmp_path: Path) -> None:
    """With no entry in the page, matching ones are built; hostile titles stay text."""
    result = _run(tmp_path, SMALL, [], "evil")
    assert result["shown"] == [
        [
            "secid:advisory/evil.example",
            "<img src=x onerror=alert(1)>\u2028 secid:advisory/evil.example </script>",
        ],
        ["secid:advisory/evil.example/db", "DB secid:advisory/evil.example/db About db"],
    ]


def test_a_large_index_shows_at_most_500_entries_and_says_so(tmp_path: Path) -> None:
    """Of 600 namespaces, none before a word is typed, at most 500 for a word.

    Listing none at first keeps the page short; a name still finds its own entry.
    """
    summaries = synthetic_summaries(600, seed=5)
    total = len(summaries) + sum(len(s.sources) for s in summaries)
    assert total > 1000
    result = _run(tmp_path, summaries, [], "")
    assert result["shown"] == []
    assert result["count"] == f"Type to find one of the {total:,} entries."
    result = _run(tmp_path, summaries, [], "secid")
    assert len(result["shown"]) == 500
    assert result["count"] == f"{total:,} of {total:,} entries match (the first 500 are shown)."
    wanted = summaries[123]
    found = _run(tmp_path, summaries, [], wanted.secid.upper())
    assert found["shown"][0][0] == wanted.secid
    assert all(secid.startswith(wanted.secid) for secid, _ in found["shown"])
