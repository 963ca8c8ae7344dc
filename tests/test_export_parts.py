"""Exporting part by part gives the same files as converting the registry at once."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MARKDOWN_SAMPLE
from rdf_graphs import parse_folder

import secid_rdf.export.partition as batches
from secid_rdf.cli import main
from secid_rdf.convert.builder import registry_to_graph
from secid_rdf.convert.entries import RULE_FOREIGN_EXAMPLE
from secid_rdf.export.dump_files import DumpWriter, OrderError, Run
from secid_rdf.export.output_folder import MANIFEST
from secid_rdf.export.partition import plan_parts
from secid_rdf.export.run import ExportOptions, export_registry
from secid_rdf.export.workers import Workers
from secid_rdf.findings import Location, SecidRdfError
from secid_rdf.formats.serialize import FORMATS, serialize
from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.model import Namespace
from secid_rdf.read.registry import read_registry
from secid_rdf.site.htaccess import SITE_RULES


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _whole_dumps(registry: Path, options: ExportOptions) -> dict[str, bytes]:
    """Each dump as :func:`serialize` writes the whole graph converted at once."""
    graph = registry_to_graph(read_registry(registry), base=options.base)
    return {
        fmt.file_name: serialize(graph.quads, name, base=options.base)
        for name, fmt in FORMATS.items()
    }


@pytest.mark.parametrize(("jobs", "part_size"), [(1, 200), (2, 200), (1, 3), (2, 3)])
def test_parts_give_the_bytes_of_a_whole_conversion(
    tmp_path: Path,
    markdown_corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
    jobs: int,
    part_size: int,
) -> None:
    reference = tmp_path / "reference"
    export_registry(markdown_corpus, reference, ExportOptions(jobs=1), show_progress=False)
    monkeypatch.setattr(batches, "PART_SIZE", part_size)
    export_registry(markdown_corpus, tmp_path / "parts", ExportOptions(jobs=jobs))
    files = _files(tmp_path / "parts")
    assert files == _files(reference)
    for name, data in _whole_dumps(markdown_corpus, ExportOptions()).items():
        assert files[name] == data, name


@pytest.mark.parametrize("base", ["https://zz.example/id/", "http://www.example.org/secid/"])
def test_base_that_puts_concepts_first_gives_the_whole_bytes(
    tmp_path: Path, markdown_corpus: Path, base: str
) -> None:
    # data IRIs under these bases sort after the ontology's concept IRIs, which are known
    # only once every part is converted: the parts wait in a second file, and no
    # temporary file is left
    options = ExportOptions(base=base, jobs=2)
    export_registry(markdown_corpus, tmp_path / "parts", options, show_progress=False)
    files = _files(tmp_path / "parts")
    for name, data in _whole_dumps(markdown_corpus, options).items():
        assert files[name] == data, name
    hidden = [name for name in files if name.startswith(".") or "/." in name]
    assert hidden == sorted([MANIFEST, SITE_RULES]), "no temporary file is left"


def test_parts_keep_one_type_and_extending_iris_together() -> None:
    names = ["a.org", "a.org/x", "a.org-b", "ab.org", "b.org", "c.org", "c.org/y"]
    namespaces = [
        Namespace(
            type=type_name, namespace=name, files=(), format="json", location=Location("x", 1)
        )
        for type_name in ("advisory", "entity")
        for name in names
    ]
    parts = plan_parts(namespaces, DEFAULT_BASE, size=2)
    assert all(len({ns.type for ns in part}) == 1 for part in parts)
    grouped = [sorted(ns.namespace for ns in part) for part in parts if part[0].type == "entity"]
    # a.org's IRI is a prefix of a.org/x, a.org-b ...: never split from them
    assert grouped == [["a.org", "a.org-b", "a.org/x"], ["ab.org", "b.org"], ["c.org", "c.org/y"]]


def test_heavy_namespaces_get_parts_of_their_own(json_corpus: Path) -> None:
    """Parts are cut by work, not only by count: no worker is left with one long part."""
    from secid_rdf.export.partition import PART_WEIGHT, namespace_weight

    namespaces = read_registry(json_corpus).namespaces
    parts = plan_parts(namespaces, DEFAULT_BASE)
    weights = [[namespace_weight(ns) for ns in part] for part in parts]
    # a part closes as soon as it reaches the weight (the cut waits only for related IRIs)
    assert all(sum(part[:-1]) < PART_WEIGHT for part in weights if len(part) > 1)
    assert max(map(sum, weights)) < 3 * PART_WEIGHT
    assert sorted(id(ns) for part in parts for ns in part) == sorted(map(id, namespaces))


def test_writer_refuses_a_part_out_of_order(tmp_path: Path) -> None:
    writer = DumpWriter(
        FORMATS["ntriples"], tmp_path / "x.nt", tmp_path / "x.nt.tmp", base=DEFAULT_BASE
    )
    writer.write(Run(b"<b> <p> <o> .\n", "<b> <p> <o> .\n", "<b> <p> <o> .\n"))
    with pytest.raises(OrderError):
        writer.write(Run(b"<a> <p> <o> .\n", "<a> <p> <o> .\n", "<a> <p> <o> .\n"))
    writer.discard()
    assert not (tmp_path / "x.nt.tmp").exists()


def test_writer_merges_loose_records_where_they_belong(tmp_path: Path) -> None:
    writer = DumpWriter(
        FORMATS["ntriples"], tmp_path / "x.nt", tmp_path / "x.nt.tmp", base=DEFAULT_BASE
    )
    writer.loose([("<c> .\n", b"<c> .\n"), ("<a> .\n", b"<a> .\n")])
    writer.write(Run(b"<b> .\n<bb> .\n", "<b> .\n", "<bb> .\n"))
    writer.loose([("<d> .\n", b"<d> .\n"), ("<c> .\n", b"<c> .\n")])  # a repeat is dropped
    writer.close()
    writer.commit()
    assert (tmp_path / "x.nt").read_bytes() == b"<a> .\n<b> .\n<bb> .\n<c> .\n<d> .\n"


def test_writer_refuses_a_loose_record_inside_a_part(tmp_path: Path) -> None:
    writer = DumpWriter(
        FORMATS["ntriples"], tmp_path / "x.nt", tmp_path / "x.nt.tmp", base=DEFAULT_BASE
    )
    writer.loose([("<b> .\n", b"<b> .\n")])
    with pytest.raises(OrderError):
        writer.write(Run(b"<a> .\n<c> .\n", "<a> .\n", "<c> .\n"))
    writer.discard()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_part_stops_the_export_and_its_workers(
    tmp_path: Path, markdown_corpus: Path, jobs: int
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "advisory").write_text("a file where a folder of pages goes", encoding="utf-8")
    with pytest.raises(SecidRdfError, match="cannot write"):
        export_registry(markdown_corpus, out, ExportOptions(jobs=jobs))
    assert multiprocessing.active_children() == []
    assert sorted(path.name for path in out.iterdir()) == ["advisory"], "a dump was left behind"


def test_cli_jobs_gives_the_same_files(tmp_path: Path, markdown_corpus: Path) -> None:
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(
            main, ["export", str(markdown_corpus), "--out", str(tmp_path / jobs), "--jobs", jobs]
        )
        assert result.exit_code == 0, result.output
    assert _files(tmp_path / "1") == _files(tmp_path / "2")


def test_cli_refuses_zero_jobs(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--out", str(tmp_path), "--jobs", "0"])
    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_a_worker_that_dies_is_reported_and_leaves_no_dump(
    tmp_path: Path, markdown_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def die(*args: object) -> None:
        os._exit(1)  # as a worker killed by the system would

    monkeypatch.setattr(batches, "_convert", die)
    out = tmp_path / "out"
    with pytest.raises(SecidRdfError, match="ended unexpectedly"):
        export_registry(markdown_corpus, out, ExportOptions(jobs=2))
    assert [path for path in out.rglob("*") if path.is_file()] == []
    assert multiprocessing.active_children() == []


def test_ntriples_run_from_the_nquads_run_is_what_serialising_gives() -> None:
    from pyoxigraph import Literal, NamedNode, Quad

    from secid_rdf.formats.dump_format import GraphPart

    graph = NamedNode("https://example.org/graph/advisory")
    s, p = NamedNode("https://example.org/a"), NamedNode("https://example.org/p")
    tricky = [
        Literal("x"),
        Literal("x", language="en"),
        Literal(f"ends like a line: <{graph.value}> .\nnext"),
        Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        NamedNode("https://example.org/a/b"),
    ]
    quads = [Quad(s, p, obj, graph) for obj in tricky] + [Quad(s, p, Literal("x"), graph)]
    other = [*quads, Quad(s, p, Literal("y"), NamedNode("https://example.org/graph/other"))]
    nquads, ntriples = FORMATS["nquads"], FORMATS["ntriples"]
    for case in (quads, other):
        derived = GraphPart(case)
        derived.runs["nquads"] = nquads.run(derived)
        alone = GraphPart(case)
        assert ntriples.run(derived) == ntriples.run(alone)
        assert ntriples.document(derived) == serialize(case, "ntriples")


def test_files_parsed_in_workers_give_the_same_registry(
    tmp_path: Path, markdown_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "FILES_PER_TASK", 7)  # many tasks, answered out of order
    broken = tmp_path / "registry"
    for index, text in enumerate(
        ['{"schema_version": "1.0", "type": ', "---\nnot: [closed\n---\n"]
    ):
        path = broken / "advisory" / "org" / (f"bad{index}.json" if index == 0 else "bad.md")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for registry in (markdown_corpus, broken):
        with Workers(2) as workers:
            parsed = read_registry(registry, parse=batches.parse_in(workers))
        assert parsed == read_registry(registry)
    assert read_registry(broken).findings, "the broken files were expected to give findings"


@pytest.mark.parametrize(
    ("type_line", "example"),
    [
        ("type: zzz", "secid:advisory/dmv.ca.gov/av-collision#report-id"),
        ("type: advisory", "secid:reference/whitehouse.gov/eo-14110"),
    ],
    ids=["type unlike its folder", "example of another type"],
)
def test_an_example_of_another_namespace_stays_in_its_part(
    tmp_path: Path, type_line: str, example: str
) -> None:
    # an example named by a SecID of another namespace would describe a subject among
    # another part's records: the export failed ("falls inside a part")
    registry = tmp_path / "registry"
    shutil.copytree(MARKDOWN_SAMPLE, registry)
    path = registry / "advisory" / "gov" / "ca" / "dmv.md"
    text = path.read_text(encoding="utf-8").replace("type: advisory", type_line, 1)
    path.write_text(text.replace('"secid:advisory/dmv.ca.gov/av-permits"', f'"{example}"'))
    options = ExportOptions(modified="2026-01-01", jobs=2)
    result = export_registry(registry, tmp_path / "out", options, show_progress=False)
    assert parse_folder(_files(tmp_path / "out")) > 4
    warnings = [f for f in result.findings if f.rule == RULE_FOREIGN_EXAMPLE]
    assert warnings and all(f.location and f.location.file.endswith("dmv.md") for f in warnings)
    for name, data in _whole_dumps(registry, options).items():
        assert _files(tmp_path / "out")[name] == data, name
