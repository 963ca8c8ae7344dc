"""``search.js``: the home page's filter, with the index of every namespace and source in it.

One file and no request: the page works opened from the disk as well as from a server.
The index is JSON escaped for a script (``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\u``
escapes), so no registry text can end the script or change its meaning.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

import orjson

from secid_rdf.resources import site_script_path
from secid_rdf.secid import SECID_SCHEME
from secid_rdf.site.paths import href
from secid_rdf.site.skeleton import HOME, script_json
from secid_rdf.site.summary import NamespaceSummary

__all__ = ["MAX_DESCRIPTION", "SCRIPT_HEAD", "index_links", "index_rows", "search_script"]

SCRIPT_HEAD = b"var SECID_INDEX = [\n"
"""How ``search.js`` begins: the index rows follow, then ``];`` and the filter's code."""

MAX_DESCRIPTION = 120
"""Characters of a namespace's description the index keeps: the index of 100,000
namespaces is about 60% description at 200 characters."""


def _short(description: str) -> str:
    """The description cut at :data:`MAX_DESCRIPTION` characters, on a word if it can."""
    if len(description) <= MAX_DESCRIPTION:
        return description
    cut = description[:MAX_DESCRIPTION].rsplit(" ", 1)[0]
    return cut + "…"


def _row(secid: str, title: str, page: PurePosixPath, description: str) -> list[str]:
    """An index row, as short as the filter can read it.

    The link is left empty when it is the SecID's path plus ``.html`` (the script makes it),
    and empty fields at the end are left out.
    """
    link = href(HOME, page)
    if secid.startswith(SECID_SCHEME) and link == secid[len(SECID_SCHEME) :] + ".html":
        link = ""
    row = [secid, title, link, description]
    while len(row) > 1 and row[-1] == "":
        row.pop()
    return row


def index_rows(summaries: Iterable[NamespaceSummary]) -> Iterator[list[str]]:
    """``[SecID, title, link, description]`` per namespace, then per source (see :func:`_row`)."""
    for summary in summaries:
        yield _row(summary.secid, summary.title, summary.page, _short(summary.description))
        for source in summary.sources:
            yield _row(source.secid, source.title, source.page, _short(source.description))


def search_script(summaries: Iterable[NamespaceSummary]) -> bytes:
    """The whole ``search.js``: the index of ``summaries`` (in their order) and the filter."""
    # row by row, as bytes: the index of 100,000 namespaces is 27 MB, held once or twice
    rows = b",\n".join(
        script_json(orjson.dumps(row).decode("utf-8")).encode("utf-8")
        for row in index_rows(summaries)
    )
    code = site_script_path().read_bytes()
    return SCRIPT_HEAD + rows + b"\n];\n" + code


def index_links(script: bytes) -> list[str]:
    """The link of each row of a ``search.js``, relative to the home page.

    As the filter makes it: the row's own link, else the SecID's path plus ``.html``.

    >>> index_links(SCRIPT_HEAD + b'["secid:a/b"],\\n["secid:c","C","x.html"]\\n];\\n')
    ['a/b.html', 'x.html']
    """
    end = script.find(b"\n];\n")
    if not script.startswith(SCRIPT_HEAD) or end < 0:
        return []
    rows = orjson.loads(b"[" + script[len(SCRIPT_HEAD) : end] + b"]")
    return [
        row[2] if len(row) > 2 and row[2] else row[0].partition(":")[2] + ".html"
        for row in rows
    ]
