"""Registry prose (descriptions, notes) as HTML: CommonMark with no way out of the page.

CommonMark with the two extensions of GitHub's Markdown the registry writes: tables and
``~~strikethrough~~``. Raw HTML in the text stays text (``html`` off), images are not
rendered (the site loads nothing from elsewhere: an image becomes a link to it), and a link
is made only to an ``http``/``https``/``mailto`` URL: anything else, ``javascript:``,
``data:`` and relative paths included, is left as the Markdown it was written in.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from secid_rdf.iris import is_web_url

__all__ = ["render_markdown"]


@cache
def _renderer() -> MarkdownIt:
    """One renderer per process: building one takes longer than rendering a page."""
    renderer = MarkdownIt("commonmark", {"html": False}).disable("image")
    renderer.enable(["table", "strikethrough"])
    renderer.validateLink = is_web_url  # type: ignore[method-assign,assignment]
    return renderer


_MARKUP = r"*_`\[\]!<>&\\|~\x00-\x08\x0a-\x1f\x7f"
_PLAIN = re.compile(rf"[^-+#>=0-9\s{_MARKUP}](?:[^{_MARKUP}]*[^\s{_MARKUP}])?")
"""A line of text that CommonMark reads as one paragraph of plain text: no character that
starts an emphasis, code, link, HTML, entity, escape or table, nothing at its start that
begins a list, heading, quote or thematic break, no line break. Most registry text is such
a line, and needs no parser (the tests compare both ways on every text of the corpora)."""

@lru_cache(maxsize=512)
def render_markdown(text: str, level: int = 1) -> str:
    """``text`` as HTML block content that sits under a heading of ``level``.

    Its headings go below that one and never skip a level (a screen reader's outline has
    no holes): the text's highest heading becomes ``level + 1``, and each heading is at
    most one level deeper than the one before it. Cached: a source's description is on
    its namespace's page and on its own.

    >>> render_markdown("[CVE](https://cve.org) <b>x</b> [bad](javascript:x)")
    '<p><a href="https://cve.org">CVE</a> &lt;b&gt;x&lt;/b&gt; [bad](javascript:x)</p>\\n'
    >>> render_markdown("# A\\n### B\\n## C", level=3)
    '<h4>A</h4>\\n<h5>B</h5>\\n<h5>C</h5>\\n'
    """
    if _PLAIN.fullmatch(text.strip(" ")):
        return f"<p>{escapeHtml(text.strip(' '))}</p>\n"
    renderer = _renderer()
    tokens = renderer.parse(text)
    _place_headings([t for t in tokens if t.type in ("heading_open", "heading_close")], level)
    rendered: str = renderer.renderer.render(tokens, renderer.options, {})
    return rendered


def _place_headings(marks: list[Token], level: int) -> None:
    """Set the tags of the heading tokens ``marks`` (opening and closing, in order)."""
    top = min((int(mark.tag[1:]) for mark in marks), default=1)
    previous = level
    for mark in marks:
        if mark.type == "heading_open":
            wanted = level + 1 + int(mark.tag[1:]) - top
            previous = min(6, max(level + 1, min(wanted, previous + 1)))
        mark.tag = f"h{previous}"
