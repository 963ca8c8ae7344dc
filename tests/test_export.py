"""``secid-rdf export`` on the bundled registry and both corpora.

Four dumps of one graph, offline JSON-LD, pages that are subgraphs, a truthful dataset
description, exit codes and atomic writes.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from conftest import (
    JAVASCRIPT_TEMPLATE,
    REGISTRY_NAMES,
    ByName,
    plant_javascript_template,
    registry_path,
)
from pyld.jsonld import JsonLdError
from pyoxigraph import Literal, NamedNode, RdfFormat, parse
from rdf_graphs import SYNTAX, inline_context, parse_graph, pyld_graph, rdflib_graph, statements

from secid_rdf.cli import main
from secid_rdf.export.run import ExportOptions, ExportResult, export_registry
from secid_rdf.findings import SecidRdfError
from secid_rdf.formats.context import context_to_text, read_context
from secid_rdf.formats.dataset import CC0_IRI, MEDIA_TYPES
from secid_rdf.formats.serialize import FORMATS
from secid_rdf.iris import DEFAULT_BASE, GRAPH_NAMESPACE, commit_iri, graph_iri, namespace_iri
from secid_rdf.read.registry import read_registry
from secid_rdf.secid import KNOWN_TYPES
from secid_rdf.site.paths import site_stem
from secid_rdf.vocab import DCAT, DCTERMS, FOAF, PROV, VOID, XSD

REGISTRIES = list(REGISTRY_NAMES)
MODIFIED = "2026-02-10"
DATASET = NamedNode("https://w3id.org/secid/_dump/void.ttl#dataset")


@pytest.fixture(scope="module")
def namespaces() -> ByName[set[tuple[str, str]]]:
    """The ``(type, namespace)`` pairs of each registry."""
    return ByName(
        lambda name: {
            (ns.type, ns.namespace) for ns in read_registry(registry_path(name)).namespaces
        }
    )


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> ByName[ExportResult]:
    """Each registry exported once for the whole module, when a test first asks for it."""
    options = ExportOptions(modified=MODIFIED)
    return ByName(
        lambda name: export_registry(
            registry_path(name), tmp_path_factory.mktemp(name), options, show_progress=False
        )
    )


@pytest.fixture(scope="module")
def whole_graphs(exports: ByName[ExportResult]) -> ByName[set[str]]:
    """The triples of each export, as N-Triples read it."""
    return ByName(
        lambda name: parse_graph((exports[name].out_dir / "secid.nt").read_bytes(), "secid.nt")
    )


def void_graph(result: ExportResult) -> list[tuple[NamedNode, NamedNode, object]]:
    data = (result.out_dir / "void.ttl").read_bytes()
    return [(q.subject, q.predicate, q.object) for q in parse(data, format=RdfFormat.TURTLE)]


def objects(triples: list[tuple[NamedNode, NamedNode, object]], s: NamedNode, p: NamedNode) -> list:
    return [o for subject, predicate, o in triples if subject == s and predicate == p]


@pytest.mark.parametrize("name", REGISTRIES)
def test_all_four_dumps_are_the_same_graph(
    name: str, exports: dict[str, ExportResult], whole_graphs: dict[str, set[str]]
) -> None:
    out = exports[name].out_dir
    assert whole_graphs[name], "the export is empty"
    for file_name in SYNTAX:
        read = parse_graph((out / file_name).read_bytes(), file_name)
        assert read == whole_graphs[name], f"{file_name} is not the same graph as secid.nt"


def test_without_network_a_remote_context_cannot_be_read(no_network: None) -> None:
    """What the offline tests rely on: a document that names its context fails here.

    (pyld's default loader needs requests or aiohttp; either way nothing is fetched.)
    """
    document = {"@context": "https://example.org/unpublished/context.jsonld", "@id": "x"}
    with pytest.raises(JsonLdError) as caught:
        pyld_graph(json.dumps(document).encode("utf-8"))
    causes: list[str] = []
    error: BaseException | None = caught.value
    while error is not None:
        causes.append(repr(error))
        error = error.__cause__ or error.__context__
    assert any("remote context" in cause for cause in causes), causes


@pytest.mark.parametrize("name", REGISTRIES)
def test_jsonld_expands_offline_with_pyld_defaults_to_the_same_graph(
    name: str, exports: dict[str, ExportResult], whole_graphs: dict[str, set[str]], no_network: None
) -> None:
    data = (exports[name].out_dir / "secid.jsonld").read_bytes()
    assert json.loads(data)["@context"] == read_context()["@context"], "the context is inline"
    assert pyld_graph(data) == whole_graphs[name]


def page_files(out: Path, suffix: str) -> list[Path]:
    """The page files of an export (in the types' folders), sorted."""
    return sorted(path for name in KNOWN_TYPES for path in (out / name).rglob(f"*{suffix}"))


def largest_page(out: Path) -> Path:
    return max(page_files(out, ".jsonld"), key=lambda path: (path.stat().st_size, path))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own JSON-LD parser
@pytest.mark.parametrize("name", REGISTRIES)
def test_a_page_reads_offline_with_every_parser_defaults_as_part_of_the_whole(
    name: str, exports: dict[str, ExportResult], whole_graphs: dict[str, set[str]], no_network: None
) -> None:
    data = largest_page(exports[name].out_dir).read_bytes()
    assert isinstance(json.loads(data)["@context"], dict), "the context is inline"
    read = statements(data, RdfFormat.JSON_LD)
    assert read and read <= whole_graphs[name]
    assert rdflib_graph(data, "json-ld") == read
    assert pyld_graph(data) == read


def test_context_url_option_names_the_published_context(
    bundled_registry: Path, tmp_path: Path, exports: dict[str, ExportResult]
) -> None:
    url = "https://example.org/secid/context.jsonld"
    result = CliRunner().invoke(
        main,
        [
            "export",
            str(bundled_registry),
            "--out",
            str(tmp_path),
            "--modified",
            MODIFIED,
            "--context-url",
            url,
        ],
    )
    assert result.exit_code == 0, result.output
    inline_out = exports["bundled"].out_dir
    for relative in ["secid.jsonld", largest_page(inline_out).relative_to(inline_out)]:
        data = (tmp_path / relative).read_bytes()
        assert json.loads(data)["@context"] == url, relative
        given = statements(inline_context(data, url), RdfFormat.JSON_LD)
        assert given == statements((inline_out / relative).read_bytes(), RdfFormat.JSON_LD)
    assert (tmp_path / "context.jsonld").read_bytes() == (
        inline_out / "context.jsonld"
    ).read_bytes()


@pytest.mark.parametrize("name", REGISTRIES)
def test_nquads_has_one_named_graph_per_type(
    name: str, exports: dict[str, ExportResult], namespaces: dict[str, set[tuple[str, str]]]
) -> None:
    data = (exports[name].out_dir / "secid.nq").read_bytes()
    graphs = {quad.graph_name.value for quad in parse(data, format=RdfFormat.N_QUADS)}
    types = {type_name for type_name, _ in namespaces[name]}
    assert {graph_iri(t).value for t in types} <= graphs
    assert all(graph.startswith(GRAPH_NAMESPACE) for graph in graphs)


@pytest.mark.parametrize("name", REGISTRIES)
def test_every_namespace_has_a_page_that_is_a_subgraph_of_the_whole(
    name: str,
    exports: dict[str, ExportResult],
    whole_graphs: dict[str, set[str]],
    namespaces: dict[str, set[tuple[str, str]]],
) -> None:
    """Each page carries the context entries it uses, and reads as with the whole context."""
    result = exports[name]
    context = read_context()["@context"]
    assert result.pages == len(namespaces[name])
    for type_name, namespace in sorted(namespaces[name]):
        iri = namespace_iri(DEFAULT_BASE, type_name, namespace).value
        path = result.out_dir / f"{site_stem(DEFAULT_BASE, iri)}.jsonld"
        data = path.read_bytes()
        read = statements(data, RdfFormat.JSON_LD)
        assert any(line.startswith(f"<{iri}> ") for line in read), path
        assert read <= whole_graphs[name], f"{path} holds triples that are not in the export"
        document = json.loads(data)
        assert len(document["@context"]) < len(context), path
        document["@context"] = context
        assert statements(json.dumps(document).encode(), RdfFormat.JSON_LD) == read, path


class _LdJson(HTMLParser):
    """The text of each ``<script type="application/ld+json">``, as a browser reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


@pytest.mark.parametrize("name", REGISTRIES)
def test_every_html_page_embeds_its_jsonld_intact(
    name: str, exports: dict[str, ExportResult]
) -> None:
    html_files = page_files(exports[name].out_dir, ".html")
    assert len(html_files) >= exports[name].pages, "a page per namespace, and per source"
    for html_file in html_files:
        parser = _LdJson()
        parser.feed(html_file.read_text(encoding="utf-8"))
        parser.close()
        expected = json.loads(html_file.with_suffix(".jsonld").read_bytes())
        assert [json.loads(block) for block in parser.blocks] == [expected], html_file


@pytest.mark.parametrize("name", REGISTRIES)
def test_dataset_description_counts_and_files_match_the_export(
    name: str, exports: dict[str, ExportResult], whole_graphs: dict[str, set[str]]
) -> None:
    result = exports[name]
    void = void_graph(result)
    assert objects(void, DATASET, VOID.triples) == [
        Literal(str(len(whole_graphs[name])), datatype=XSD.integer)
    ]
    assert result.triples == len(whole_graphs[name])
    assert objects(void, DATASET, DCTERMS.license) == [NamedNode(CC0_IRI)]
    assert objects(void, DATASET, DCTERMS.modified) == [Literal(MODIFIED, datatype=XSD.date)]
    dumps = {o.value.rsplit("/", 1)[1] for o in objects(void, DATASET, VOID.dataDump)}
    assert dumps == set(SYNTAX)
    distributions = objects(void, DATASET, DCAT.distribution)
    assert len(distributions) == len(FORMATS)
    for distribution in distributions:
        (url,) = objects(void, distribution, DCAT.downloadURL)
        file_name = url.value.rsplit("/", 1)[1]
        (size,) = objects(void, distribution, DCAT.byteSize)
        assert int(size.value) == (result.out_dir / file_name).stat().st_size, file_name
        (media_type,) = objects(void, distribution, DCAT.mediaType)
        fmt = next(fmt for fmt in FORMATS.values() if fmt.file_name == file_name)
        assert media_type == NamedNode(MEDIA_TYPES + fmt.media_type)


DCAT_AP = Path(__file__).parent / "fixtures" / "dcat-ap"


@pytest.fixture(scope="module")
def dcat_ap_shapes() -> rdflib.Graph:
    shapes = rdflib.Graph()
    for file_name in ("shapes.ttl", "range.ttl"):
        shapes.parse(DCAT_AP / file_name, format="turtle")
    return shapes


@pytest.mark.parametrize("name", REGISTRIES)
def test_dataset_description_conforms_to_dcat_ap(
    name: str, exports: dict[str, ExportResult], dcat_ap_shapes: rdflib.Graph
) -> None:
    import pyshacl

    data = rdflib.Graph().parse(exports[name].out_dir / "void.ttl", format="turtle")
    _, report, text = pyshacl.validate(data, shacl_graph=dcat_ap_shapes, inference="none")
    violations = list(report.subjects(rdflib.SH.resultSeverity, rdflib.SH.Violation))
    assert not violations, text


@pytest.mark.parametrize("name", REGISTRIES)
def test_dataset_names_publisher_landing_page_and_examples(
    name: str, exports: dict[str, ExportResult], namespaces: dict[str, set[tuple[str, str]]]
) -> None:
    void = void_graph(exports[name])
    (publisher,) = objects(void, DATASET, DCTERMS.publisher)
    assert objects(void, publisher, FOAF.name) == [Literal("Cloud Security Alliance")]
    assert len(objects(void, DATASET, DCAT.landingPage)) == 1
    assert objects(void, DATASET, VOID.uriSpace) == [Literal(DEFAULT_BASE)]
    examples = {iri.value for iri in objects(void, DATASET, VOID.exampleResource)}
    first = {
        type_name: namespace_iri(DEFAULT_BASE, type_name, namespace).value
        for type_name, namespace in sorted(namespaces[name], reverse=True)
    }
    assert examples == set(first.values()), "one namespace per type: the first by IRI"


def test_dataset_version_is_the_commit_or_the_content_hash(
    exports: dict[str, ExportResult], bundled_registry: Path, markdown_corpus: Path
) -> None:
    commit = read_registry(bundled_registry).commit
    assert objects(void_graph(exports["bundled"]), DATASET, DCAT.version) == [Literal(str(commit))]
    (version,) = objects(void_graph(exports["markdown"]), DATASET, DCAT.version)
    assert version.value.startswith("sha256:"), "the corpora are not git checkouts"
    assert version.value == read_registry(markdown_corpus).digest


def test_without_git_or_modified_the_description_has_no_date_and_still_conforms(
    tmp_path: Path, bundled_registry: Path, dcat_ap_shapes: rdflib.Graph
) -> None:
    import pyshacl

    registry = tmp_path / "registry"  # a copy outside any git work tree
    shutil.copytree(bundled_registry, registry)
    result = export_registry(registry, tmp_path / "out", show_progress=False)
    triples = void_graph(result)
    assert objects(triples, DATASET, DCTERMS.modified) == []
    (version,) = objects(triples, DATASET, DCAT.version)
    assert version.value == read_registry(registry).digest
    data = rdflib.Graph().parse(result.out_dir / "void.ttl", format="turtle")
    _, report, text = pyshacl.validate(data, shacl_graph=dcat_ap_shapes, inference="none")
    assert not list(report.subjects(rdflib.SH.resultSeverity, rdflib.SH.Violation)), text


def test_content_hash_follows_the_files_not_the_folder(
    tmp_path: Path, bundled_registry: Path
) -> None:
    registry = tmp_path / "one" / "registry"  # outside any git work tree
    shutil.copytree(bundled_registry, registry)
    first = read_registry(registry)
    assert first.commit is None and first.digest is not None
    moved = tmp_path / "two" / "registry"
    shutil.copytree(registry, moved)
    assert read_registry(moved).digest == first.digest
    changed = next(path for path in sorted(moved.rglob("*.json")) if path.is_file())
    changed.write_bytes(changed.read_bytes() + b"\n")
    assert read_registry(moved).digest != first.digest


@pytest.mark.parametrize("name", REGISTRIES)
def test_class_partitions_count_the_typed_entities(
    name: str, exports: dict[str, ExportResult], whole_graphs: dict[str, set[str]]
) -> None:
    void = void_graph(exports[name])
    type_marker = " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    typed = Counter(
        line.split(type_marker, 1)[1] for line in whole_graphs[name] if type_marker in line
    )
    partitions = objects(void, DATASET, VOID.classPartition)
    assert len(partitions) == len(typed)
    for partition in partitions:
        (class_iri,) = objects(void, partition, VOID["class"])
        (count,) = objects(void, partition, VOID.entities)
        assert int(count.value) == typed[f"<{class_iri.value}>"], class_iri


def test_bundled_registry_in_git_is_derived_from_its_commit(
    exports: dict[str, ExportResult], bundled_registry: Path
) -> None:
    commit = read_registry(bundled_registry).commit
    if commit is None:
        pytest.fail("the bundled registry is expected inside the project's git work tree")
    assert objects(void_graph(exports["bundled"]), DATASET, PROV.wasDerivedFrom) == [
        commit_iri(commit)
    ]


def test_context_file_is_the_shipped_context(exports: dict[str, ExportResult]) -> None:
    written = (exports["bundled"].out_dir / "context.jsonld").read_text(encoding="utf-8")
    assert written == context_to_text(read_context())


def test_cli_export_writes_everything_and_says_where(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", "--out", str(out), "--modified", MODIFIED])
    assert result.exit_code == 0, result.output
    assert str(out) in result.stderr
    assert {"secid.ttl", "secid.nt", "secid.nq", "secid.jsonld", "context.jsonld", "void.ttl"} <= {
        p.name for p in out.iterdir()
    }
    assert page_files(out, ".jsonld")
    assert not list(out.rglob("*.tmp")), "temporary files left behind"


def test_cli_format_subset_and_no_pages(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["export", "--out", str(out), "--format", "turtle", "--format", "jsonld", "--no-pages"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".htaccess",
        ".secid-rdf-files",
        "context.jsonld",
        "secid.jsonld",
        "secid.ttl",
        "void.ttl",
    ]  # no --site-url: no w3id.htaccess (tests/test_htaccess.py)
    void = void_graph(ExportResult(out, (), 0, 0, ()))
    assert len(objects(void, DATASET, VOID.dataDump)) == 2


def test_cli_unwritable_output_exits_2_with_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--out", str(blocker / "out")])
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "rdfxml"],
        ["--modified", "10/02/2026"],
        ["--modified", "2026-02-30"],
        ["--base", "not an iri"],
        ["--base", "https://example.org/no-slash"],
    ],
)
def test_cli_usage_errors_exit_2_and_write_nothing(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", "--out", str(out), *args])
    assert result.exit_code == 2, result.output
    assert not out.exists()


@pytest.mark.parametrize("base", ["https://example.org/kg", "https://example.org/kg#"])
def test_cli_base_without_final_slash_says_what_to_write(tmp_path: Path, base: str) -> None:
    result = CliRunner().invoke(main, ["export", "--out", str(tmp_path / "out"), "--base", base])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "try 'https://example.org/kg/'" in result.stderr


def test_registry_with_errors_exits_1_and_exports_the_rest(
    tmp_path: Path, bundled_registry: Path
) -> None:
    registry = tmp_path / "registry"
    shutil.copytree(bundled_registry, registry)
    broken = registry / "advisory" / "broken.md"
    broken.write_text("---\ntype: advisory\nnamespace: [unclosed\n---\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(registry), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "advisory/broken.md:" in result.stderr and "error" in result.stderr
    read = parse_graph((out / "secid.nt").read_bytes(), "secid.nt")
    iri = namespace_iri(DEFAULT_BASE, "reference", "aisi").value
    assert any(line.startswith(f"<{iri}> ") for line in read)


@pytest.mark.parametrize("layout", ["markdown", "json"])
def test_a_javascript_template_reaches_no_file_of_the_export(tmp_path: Path, layout: str) -> None:
    planted = plant_javascript_template(tmp_path, layout)
    out = tmp_path / "out"
    result = export_registry(planted.registry, out, ExportOptions(jobs=1))
    assert [str(f).startswith(planted.where) for f in result.findings] == [True]
    holding = [
        str(path.relative_to(out))
        for path in out.rglob("*")
        if path.is_file() and JAVASCRIPT_TEMPLATE.encode() in path.read_bytes()
    ]
    assert holding == []


def test_failed_run_leaves_earlier_files_whole(
    tmp_path: Path, bundled_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    export_registry(bundled_registry, out, show_progress=False)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls = {"n": 0}
    real_replace = os.replace

    def failing_replace(source: str, target: str) -> None:
        calls["n"] += 1  # counted in each process that writes pages
        if calls["n"] == 3:
            raise OSError("disk full")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(SecidRdfError, match="disk full"):
        export_registry(bundled_registry, out, ExportOptions(base="https://example.org/kg/"))
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before, "the previous export is intact, with no temporary file"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".out.secid-rdf.lock", "out"], "the new folder was removed"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own JSON-LD parser
@pytest.mark.parametrize("name", ["bundled", "markdown"])
def test_rdflib_reads_the_same_graph_from_turtle_and_jsonld(
    name: str, exports: dict[str, ExportResult], whole_graphs: dict[str, set[str]]
) -> None:
    out = exports[name].out_dir
    sources = {"turtle": out / "secid.ttl", "json-ld": out / "secid.jsonld"}
    for rdflib_format, path in sources.items():
        assert rdflib_graph(path.read_bytes(), rdflib_format) == whole_graphs[name], rdflib_format
