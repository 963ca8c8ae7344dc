"""Page files: a page's ``.jsonld``, ``.ttl`` and ``.html``, each written atomically.

The export's main process writes them one after the other as each part's pages arrive, at
the site path of the page's IRI; a file that already holds the same bytes in the previous
export is linked, not written. Creating a file costs CPU in the kernel (on a file system
without a journal, much more just after many files were removed nearby), not a wait:
threads would only add their own overhead, which measured twice the CPU of writing in line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from secid_rdf.export.atomic_files import inside, write_or_link
from secid_rdf.formats.pages import Page

__all__ = ["page_files", "write_page"]


def page_files(page: Page) -> list[tuple[str, bytes]]:
    """A page's files: ``/``-separated paths relative to the site root, and their bytes."""
    stem = str(page.path)
    files = [(stem + ".jsonld", page.jsonld), (stem + ".ttl", page.turtle)]
    if page.html is not None:
        files.append((stem + ".html", page.html))
    return files


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
