"""Page files: every file lands with its bytes, errors name the file, unchanged ones stay."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path, PurePosixPath

import pytest

from secid_rdf.export.page_files import write_page
from secid_rdf.findings import SecidRdfError
from secid_rdf.formats.pages import Page


def _page(index: int) -> Page:
    return Page(
        iri=f"https://w3id.org/secid/advisory/n{index}.org",
        path=PurePosixPath("advisory", f"n{index}.org"),
        jsonld=f'{{"n": {index}}}\n'.encode(),
        turtle=f"<n{index}> a <x> .\n".encode(),
        html=f"<p>{index}</p>\n".encode(),
    )


def test_every_page_is_written_with_its_bytes(tmp_path: Path) -> None:
    names = [name for index in range(40) for name in write_page(tmp_path, _page(index))]
    assert names[:3] == ["advisory/n0.org.jsonld", "advisory/n0.org.ttl", "advisory/n0.org.html"]
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(names), "no temporary file is left behind"
    assert (tmp_path / "advisory/n7.org.html").read_bytes() == b"<p>7</p>\n"
    assert (tmp_path / "advisory/n7.org.ttl").read_bytes() == b"<n7> a <x> .\n"


def test_a_page_without_html_writes_its_data_files_only(tmp_path: Path) -> None:
    page = dataclasses.replace(_page(3), html=None)
    assert write_page(tmp_path, page) == ["advisory/n3.org.jsonld", "advisory/n3.org.ttl"]


def test_a_file_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    (tmp_path / "advisory").write_text("not a folder", encoding="utf-8")
    with pytest.raises(SecidRdfError, match=r"cannot write .*n1\.org\.jsonld"):
        write_page(tmp_path, _page(1))


def test_unchanged_pages_of_the_previous_export_keep_their_file(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    write_page(old, _page(1))
    write_page(old, _page(2))
    same, changed = old / "advisory/n1.org.html", old / "advisory/n2.org.html"
    for path in (same, changed):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))

    def previous(name: str) -> str:
        return str(old / name)

    write_page(new, _page(1), previous)
    write_page(new, dataclasses.replace(_page(2), html=b"<p>two</p>\n"), previous)
    kept = new / "advisory/n1.org.html"
    assert kept.stat().st_mtime_ns == 1_000_000_000, "an unchanged page was rewritten"
    assert kept.read_bytes() == same.read_bytes()
    rewritten = new / "advisory/n2.org.html"
    assert rewritten.read_bytes() == b"<p>two</p>\n"
    assert rewritten.stat().st_mtime_ns != 1_000_000_000
    assert changed.read_bytes() == b"<p>2</p>\n", "the previous export's file was changed"


@pytest.mark.parametrize("path", ["advisory/../../escaped", "/tmp/escaped"])
def test_a_page_path_that_leaves_the_folder_is_refused(tmp_path: Path, path: str) -> None:
    out = tmp_path / "out"
    page = dataclasses.replace(_page(1), path=PurePosixPath(path))
    with pytest.raises(SecidRdfError, match="refusing to write outside"):
        write_page(out, page)
    assert not list(tmp_path.rglob("escaped*")), "nothing was written"
