"""Page files: two per namespace, each written atomically, unchanged ones left alone.

The export's main process writes them one after the other as each part's pages arrive.
Creating a file costs CPU in the kernel (on a file system without a journal, much more
just after many files were removed nearby), not a wait: threads would only add their own
overhead, which measured twice the CPU of writing in line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from secid_rdf.export.atomic_files import inside, write_or_link
from secid_rdf.formats.pages import Page

__all__ = ["PAGES_FOLDER", "page_files", "write_page"]

PAGES_FOLDER = "pages"
"""The folder of the namespace pages inside an export."""


def page_files(page: Page) -> list[tuple[str, bytes]]:
    """A page's files: ``/``-separated paths relative to the export folder, and their bytes."""
    stem = f"{PAGES_FOLDER}/{page.path}"
    return [(stem + ".jsonld", page.jsonld), (stem + ".html", page.html)]


def write_page(
    out_dir: Path, page: Page, previous: Callable[[str], str | None] = lambda name: None
) -> list[str]:
    """Write a page's files under ``out_dir``.

    :param previous: the path of the file of an earlier export by its path relative to
        ``out_dir``, if any: a file with the same bytes is linked, not written.
    :returns: their paths relative to ``out_dir``.
    :raises SecidRdfError: when a file cannot be written.
    """
    files = page_files(page)
    for name, data in files:
        write_or_link(inside(out_dir, name), data, previous(name))
    return [name for name, _ in files]
