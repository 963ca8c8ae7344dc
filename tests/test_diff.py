"""``secid-rdf diff``: what a registry change does to the graph, to resolution and to a store.

The two corpora (Feb and May 2026, Markdown and JSON) are one registry in two formats, so
their diff touches every namespace; the counts are checked against the exports' own
``dcterms:identifier`` sets, and the SPARQL update against a real Oxigraph server.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner, Result
from conftest import JSON_CORPUS, JSON_SAMPLE, MARKDOWN_CORPUS, OxigraphServer, require_corpus
from markdown_it import MarkdownIt
from markdown_it.token import Token

from secid_rdf.cli import main
from secid_rdf.diff.file_cache import files_cache_dir
from secid_rdf.diff.report_markdown import render_markdown
from secid_rdf.diff.run import DiffResult, diff_registries
from secid_rdf.diff.sides import opened_side
from secid_rdf.diff.update import sparql_update
from secid_rdf.export.run import registry_to_quads
from secid_rdf.iris import DATASET_GRAPH_IRI
from secid_rdf.store.sparql import load_graphs, send_update, split_graphs
from secid_rdf.vocab import DCTERMS

RUSTSEC = "advisory/org/rustsec.json"
OLD_TEMPLATE = '"url": "https://rustsec.org/advisories/{id}",'
NEW_TEMPLATE = '"url": "https://rustsec.org/advisory/{id}.html",'


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test caches parsed files in a folder of its own, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def identifiers(quads: Iterable[ox.Quad]) -> set[str]:
    return {str(q.object.value) for q in quads if q.predicate == DCTERMS.identifier}


@pytest.fixture(scope="module")
def corpora() -> tuple[Path, Path]:
    return require_corpus(MARKDOWN_CORPUS), require_corpus(JSON_CORPUS)


@pytest.fixture(scope="module")
def corpora_diff(corpora: tuple[Path, Path]) -> DiffResult:
    return diff_registries(*corpora, use_cache=False)


def test_secid_counts_equal_those_of_the_exports_identifiers(corpora, corpora_diff):
    old = identifiers(registry_to_quads(corpora[0]).quads)
    new = identifiers(registry_to_quads(corpora[1]).quads)
    diff = corpora_diff.diff
    assert diff.secids_added == len(new - old) > 0
    assert diff.secids_removed == len(old - new) > 0
    added = {s for g in diff.groups for s in (*g.added, *(b for _, b in g.renamed))}
    added |= {g.name for g in diff.groups if g.state == "added"}
    assert added == new - old


def test_markdown_renders_and_names_each_changed_namespace_once(corpora_diff):
    text = render_markdown(corpora_diff.diff, limit=None)
    tokens = MarkdownIt("commonmark").parse(text)
    blocks = "".join(t.content for t in tokens if t.type == "html_block")
    named = re.findall(r"<summary><code>([^<]*)</code>", blocks)
    inline = _code_spans(tokens)
    changed = [g.name for g in corpora_diff.diff.groups if g.name.startswith("secid:")]
    assert len(changed) > 100
    assert sorted(named) == sorted({*changed, "SecID types", "concepts"})
    assert not set(changed) & set(inline)  # inside a fold, only SecIDs below the namespace
    assert blocks.count("<details>") == blocks.count("</details>") == len(named)
    assert text.startswith("### secid-rdf diff") and "namespaces changed" in text.split("\n")[2]


def test_markdown_stays_within_a_comment_and_counts_what_it_left_out(corpora_diff):
    text = render_markdown(corpora_diff.diff, limit=20_000)
    assert len(text) <= 20_000
    left_out = re.search(r"\*(\d+) more groups are not shown", text)
    assert left_out
    shown = text.count("<details>")
    # the SecID types fold alone is larger than the comment: the namespaces after it still show
    assert shown > 1 and "<summary><code>secid:" in text
    assert shown + int(left_out.group(1)) == len(corpora_diff.diff.groups)


def graphs_nquads(quads: Iterable[ox.Quad]) -> dict[str, list[str]]:
    """Sorted N-Quads lines per graph IRI."""
    graphs: dict[str, list[str]] = defaultdict(list)
    for quad in quads:
        graphs[quad.graph_name.value].append(str(quad))
    return {name: sorted(lines) for name, lines in graphs.items()}


def test_sparql_update_turns_a_store_with_old_into_new(oxigraph_server, corpora, corpora_diff):
    old = registry_to_quads(corpora[0]).quads
    new = registry_to_quads(corpora[1]).quads
    load_graphs(oxigraph_server.store_url, split_graphs(old))
    send_update(
        oxigraph_server.base_url + "/update",
        sparql_update(corpora_diff.removed, corpora_diff.added),
        timeout=300,
    )
    expected = graphs_nquads(new)
    held = graphs_nquads(
        ox.Quad(*triple, ox.NamedNode(name))
        for name in expected
        for triple in oxigraph_server.graph(name)
    )
    assert held == expected
    assert sum(map(len, held.values())) == len(set(new))


def test_sparql_update_applied_by_rdflib_gives_the_new_graph(tmp_path):
    # copies outside any work tree: their graphs carry no commit, as the diff's do not
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(JSON_SAMPLE, old)
    shutil.copytree(JSON_SAMPLE, new)
    path = new / "advisory/org/mitre.json"
    path.write_text(path.read_text(encoding="utf-8").replace("cve.org", "cve.example"))
    result = run("diff", str(old), str(new), "--format", "sparql-update")
    assert result.exit_code == 1 and result.stdout.startswith("DELETE DATA {")
    dataset = rdflib.Dataset()
    old_text = ox.serialize(registry_to_quads(old).quads, format=ox.RdfFormat.N_QUADS)
    dataset.parse(data=old_text, format="nquads")
    dataset.update(result.stdout)
    expected = rdflib.Dataset()
    new_text = ox.serialize(registry_to_quads(new).quads, format=ox.RdfFormat.N_QUADS)
    expected.parse(data=new_text, format="nquads")
    assert set(dataset.quads()) == set(expected.quads())


@pytest.fixture(scope="module")
def template_change(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the May corpus and a second copy with one URL template edited (one line)."""
    source = require_corpus(JSON_CORPUS)
    old = tmp_path_factory.mktemp("old") / "registry"
    shutil.copytree(source, old)
    new = tmp_path_factory.mktemp("new") / "registry"
    shutil.copytree(source, new)
    text = (new / RUSTSEC).read_text(encoding="utf-8")
    assert text.count(OLD_TEMPLATE) == 1
    (new / RUSTSEC).write_text(text.replace(OLD_TEMPLATE, NEW_TEMPLATE), encoding="utf-8")
    return old, new


def test_one_template_line_shows_one_template_and_its_examples_urls(template_change):
    diff = diff_registries(*template_change).diff
    assert [g.name for g in diff.groups] == ["secid:advisory/rustsec.org"]
    (group,) = diff.groups
    assert (group.added, group.removed, group.renamed) == ((), (), ())
    assert (group.now_failing, group.now_matching) == ((), ())
    (fact,) = group.facts
    assert fact.category == "URL templates"
    assert (fact.old, fact.new) == (
        "https://rustsec.org/advisories/{id}",
        "https://rustsec.org/advisory/{id}.html",
    )
    assert {change.secid for change in group.resolutions} == {
        "secid:advisory/rustsec.org/advisories#RUSTSEC-2024-0001",
        "secid:advisory/rustsec.org/advisories#RUSTSEC-2023-0071",
    }
    for change in group.resolutions:
        assert change.verdict == "changed"
        item = change.secid.partition("#")[2]
        assert change.old == (f"https://rustsec.org/advisories/{item}",)
        assert change.new == (f"https://rustsec.org/advisory/{item}.html",)
    assert diff.needs_review


def test_second_run_reads_every_file_from_the_cache(template_change, monkeypatch):
    first = diff_registries(*template_change)
    import secid_rdf.diff.file_cache as file_cache

    def no_parsing(*_: object) -> None:
        raise AssertionError("a file was parsed although it was cached")

    monkeypatch.setattr(file_cache, "parse_namespace_files", no_parsing)
    assert diff_registries(*template_change).diff == first.diff
    assert len(list(files_cache_dir().iterdir())) > 1000


def test_a_damaged_cache_entry_is_parsed_again(tmp_path):
    registry = tmp_path / "registry"
    shutil.copytree(JSON_SAMPLE, registry)
    first = diff_registries(registry, registry)
    for entry in files_cache_dir().iterdir():
        entry.write_bytes(b"not a pickle")
    assert diff_registries(registry, registry) == first


def test_registry_against_itself_prints_no_changes_and_exits_0():
    for fmt in ("text", "markdown"):
        result = run("diff", str(JSON_SAMPLE), str(JSON_SAMPLE), "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "no changes" in result.stdout
    result = run("diff", str(JSON_SAMPLE), str(JSON_SAMPLE), "--format", "sparql-update")
    assert (result.exit_code, result.stdout) == (0, "")


def test_a_description_edit_is_a_change_that_needs_no_review(tmp_path):
    new = tmp_path / "registry"
    shutil.copytree(JSON_SAMPLE, new)
    path = new / "advisory/org/mitre.json"
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r'"description": "([^"]*)"', r'"description": "\1 (edited)"', text, count=1)
    path.write_text(edited, encoding="utf-8")
    result = run("diff", str(JSON_SAMPLE), str(new), "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"needs_review": false' in result.stdout and '"changed": true' in result.stdout


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository holding the JSON sample as ``registry``, committed once."""
    repo = tmp_path / "repo"
    shutil.copytree(JSON_SAMPLE, repo / "registry")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "registry")
    return repo


def test_a_git_revision_is_read_without_touching_the_work_tree(repository, monkeypatch):
    monkeypatch.chdir(repository)
    assert run("diff", "HEAD", "registry").exit_code == 0
    path = repository / "registry" / "advisory/org/mitre.json"
    path.write_text(path.read_text(encoding="utf-8").replace("cve.org", "cve.example"))
    status = git(repository, "status", "--porcelain")
    result = run("diff", "HEAD", "registry", "--format", "json")
    assert result.exit_code == 1, result.output
    assert '"name": "secid:advisory/mitre.org"' in result.stdout
    assert git(repository, "status", "--porcelain") == status
    assert "cve.example" in path.read_text(encoding="utf-8")
    assert run("diff", "HEAD:registry", "HEAD").exit_code == 0


def test_an_unknown_side_is_one_line_and_exit_2(repository, monkeypatch):
    monkeypatch.chdir(repository)
    for side in ("no-such-rev", "--output=x", "HEAD:no/such/folder"):
        result = run("diff", "--", side, "registry")
        assert result.exit_code == 2, result.output
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_a_link_in_a_revision_never_reaches_the_disk(repository, monkeypatch, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"schema_version": "1.0"}')
    (repository / "registry" / "advisory" / "link.json").symlink_to(secret)
    git(repository, "add", ".")
    git(repository, "commit", "-q", "-m", "link")
    with opened_side("HEAD", cwd=repository) as side:
        assert (side.folder / "advisory").is_dir()
        assert not [path for path in side.folder.rglob("*") if path.is_symlink()]
    monkeypatch.chdir(repository)
    result = run("diff", "HEAD~1", "HEAD")
    assert (result.exit_code, result.stdout.split(": ", 1)[1]) == (0, "no changes\n")


def test_load_diff_sends_only_changes_and_gives_the_store_of_a_full_load(tmp_path, oxigraph_server):
    new = tmp_path / "registry"
    shutil.copytree(JSON_SAMPLE, new)
    path = new / "advisory/org/mitre.json"
    path.write_text(path.read_text(encoding="utf-8").replace("cve.org", "cve.example"))
    store = oxigraph_server.store_url
    assert run("load", str(JSON_SAMPLE), "--store", store).exit_code == 0
    result = run("load", str(new), "--store", store, "--diff", str(JSON_SAMPLE))
    assert result.exit_code == 0, result.output
    assert re.search(r"updated .*/update: [1-9]\d* triples removed, [1-9]\d* added", result.stderr)
    reference = OxigraphServer(tmp_path / "reference")
    try:
        assert run("load", str(new), "--store", reference.store_url).exit_code == 0
        names = {q.graph_name.value for q in registry_to_quads(new).quads}
        for name in {*names, DATASET_GRAPH_IRI.value}:
            assert oxigraph_server.graph(name) == reference.graph(name), name
    finally:
        reference.stop()


FAKE_GH = """#!/bin/sh
# gh stand-in: logs each call and the comment body; the listing of the pull request's
# comments answers what the jq filter would give: $GH_EARLIER, the marked comment's id
echo "$*" >> "$GH_LOG"
if [ "$1 $2" = "api --paginate" ]; then echo "$GH_EARLIER"; exit 0; fi
for last; do :; done
cat "${last#body=@}" > "$GH_LOG.body"
"""


def test_the_action_step_comments_the_markdown_diff(repository: Path, tmp_path: Path) -> None:
    import os
    import sys

    import yaml

    root = Path(__file__).parents[1]
    action = yaml.safe_load((root / "action.yml").read_text(encoding="utf-8"))
    step = action["runs"]["steps"][-1]
    assert "pull_request" in step["if"] and step["shell"] == "bash"
    assert set(step["env"]) >= {"REGISTRY", "BASE_SHA", "PR_NUMBER", "GH_TOKEN"}
    base = git(repository, "rev-parse", "HEAD").strip()
    path = repository / "registry" / "advisory/org/mitre.json"
    path.write_text(path.read_text(encoding="utf-8").replace("cve.org", "cve.example"))
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "gh").write_text(FAKE_GH)
    (fake / "gh").chmod(0o755)
    log = tmp_path / "gh.log"
    env = {
        **os.environ,
        "PATH": f"{fake}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTION_PATH": str(root),
        "REGISTRY": "registry",
        "BASE_SHA": base,
        "PR_NUMBER": "7",
        "GITHUB_REPOSITORY": "csa/registry",
        "GH_TOKEN": "not-a-token",
        "FAIL_ON_REVIEW": "true",
        "GH_LOG": str(log),
    }
    listing = (
        "api --paginate repos/csa/registry/issues/7/comments --jq [.[] | select(.body |"
        ' startswith("<!-- secid-rdf diff -->"))] | last | .id // empty'
    )
    for earlier, post in (
        ("", "pr comment 7 --body-file secid-rdf-comment.md"),
        (
            "42",
            (
                "api --method PATCH repos/csa/registry/issues/comments/42"
                " -F body=@secid-rdf-comment.md"
            ),
        ),
    ):
        log.unlink(missing_ok=True)
        done = subprocess.run(
            ["bash", "-c", step["run"]],
            cwd=repository,
            env={**env, "GH_EARLIER": earlier},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 1, done.stderr  # a resolution changed: asks for a review
        assert log.read_text().splitlines() == [listing, post]
        body = Path(f"{log}.body").read_text(encoding="utf-8").splitlines()
        assert body[0] == "<!-- secid-rdf diff -->"
        assert body[1].startswith("### secid-rdf diff: `")
        assert "**1 namespace changed (0 added, 0 removed)" in body[3]
        assert "<summary><code>secid:advisory/mitre.org</code>" in "\n".join(body)


def test_reports_are_the_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    import os
    import sys

    new = tmp_path / "registry"
    shutil.copytree(JSON_SAMPLE, new)
    path = new / "advisory/org/mitre.json"
    path.write_text(path.read_text(encoding="utf-8").replace("cve.org", "cve.example"))
    script = str(Path(sys.executable).with_name("secid-rdf"))
    outputs = set()
    for seed in ("1", "2", "random"):
        for fmt in ("json", "markdown", "sparql-update"):
            command = [script, "diff", str(JSON_SAMPLE), str(new)]
            done = subprocess.run(
                [*command, "--format", fmt],
                env={**os.environ, "PYTHONHASHSEED": seed},
                capture_output=True,
                check=False,
            )
            assert done.returncode == 1 and done.stdout, done.stderr
            outputs.add((fmt, done.stdout))
    assert len(outputs) == 3


def test_registry_text_cannot_break_out_of_the_markdown(tmp_path: Path) -> None:
    new = tmp_path / "registry"
    shutil.copytree(JSON_SAMPLE, new)
    path = new / "advisory/org/mitre.json"
    text = path.read_text(encoding="utf-8")
    hostile = "x`` </details>\\n\\n<script>alert(1)</script> @octocat ``"
    edited = re.sub(
        r'"description": "[^"]*"', lambda _: f'"description": "{hostile}"', text, count=1
    )
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    result = run("diff", str(JSON_SAMPLE), str(new), "--format", "markdown")
    assert result.exit_code == 0 and not result.stderr, result.output
    tokens = MarkdownIt("commonmark").parse(result.stdout)
    html = [t.content for t in tokens if t.type == "html_block"]
    html += [
        c.content
        for t in tokens
        if t.type == "inline"
        for c in t.children or ()
        if c.type == "html_inline"
    ]
    assert not [block for block in html if "script" in block]
    assert sum(block.count("</details>") for block in html) == 1
    spans = _code_spans(tokens)
    assert any("<script>alert(1)</script> @octocat" in span for span in spans)


def _code_spans(tokens: list[Token]) -> list[str]:
    """The text of every inline code span of a parsed Markdown document."""
    return [
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or ()
        if child.type == "code_inline"
    ]
