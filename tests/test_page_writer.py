"""Pages written from background threads: every file lands, and errors are not lost."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path, PurePosixPath

import pytest

from secid_rdf.findings import SecidRdfError
from secid_rdf.page_writer import PageWriter
from secid_rdf.pages import Page


def _page(index: int) -> Page:
    return Page(
        type_name="advisory",
        namespace=f"n{index}.org",
        path=PurePosixPath("advisory", f"n{index}.org"),
        jsonld=f'{{"n": {index}}}\n'.encode(),
        html=f"<p>{index}</p>\n".encode(),
    )


def test_every_queued_page_is_written_with_its_bytes(tmp_path: Path) -> None:
    writer = PageWriter(threads=3, max_pending=4)  # fewer slots than pages: writes must free them
    names = [name for index in range(40) for name in writer.write(tmp_path, _page(index))]
    writer.finish()
    assert names[:2] == ["pages/advisory/n0.org.jsonld", "pages/advisory/n0.org.html"]
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(names)
    assert (tmp_path / "pages/advisory/n7.org.html").read_bytes() == b"<p>7</p>\n"


def test_finish_raises_a_write_error(tmp_path: Path) -> None:
    (tmp_path / "pages").write_text("not a folder", encoding="utf-8")
    writer = PageWriter()
    writer.write(tmp_path, _page(1))  # returns at once: the error comes with finish
    with pytest.raises(SecidRdfError, match="cannot write"):
        writer.finish()
    writer.finish()  # the error is reported once; the writer can go on


def test_unchanged_pages_are_left_untouched(tmp_path: Path) -> None:
    writer = PageWriter()
    writer.write(tmp_path, _page(1))
    writer.write(tmp_path, _page(2))
    writer.finish()
    same, changed = tmp_path / "pages/advisory/n1.org.html", tmp_path / "pages/advisory/n2.org.html"
    for path in (same, changed):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    writer.write(tmp_path, _page(1))
    edited = dataclasses.replace(_page(2), html=b"<p>two</p>\n")
    writer.write(tmp_path, edited)
    writer.finish()
    assert same.stat().st_mtime_ns == 1_000_000_000, "an unchanged page was rewritten"
    assert changed.read_bytes() == b"<p>two</p>\n"
    assert changed.stat().st_mtime_ns != 1_000_000_000
