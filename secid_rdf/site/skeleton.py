"""The frame every page of the site shares: head, header, breadcrumbs, main, footer.

Page modules write only their ``<main>`` content; everything a person or a crawler expects on
every page (the stylesheet, the ``rel="alternate"`` data twins, the embedded JSON-LD, a skip
link, landmarks) comes from here, so it is the same on all of them. Every piece of registry
text goes through :func:`text` before it reaches the page.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from secid_rdf.iris import is_web_url
from secid_rdf.site.paths import href

__all__ = [
    "HOME",
    "ICON",
    "SCRIPT",
    "STYLESHEET",
    "Alternate",
    "Frame",
    "definition_list",
    "external_link",
    "render_page",
    "script_json",
    "text",
]

HOME = PurePosixPath("index.html")
STYLESHEET = PurePosixPath("style.css")
ICON = PurePosixPath("icon.svg")
SCRIPT = PurePosixPath("search.js")


def text(value: str) -> str:
    """Registry text as HTML text or a double-quoted attribute: ``<>&"'`` escaped."""
    return html.escape(value, quote=True)


_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)
"""JSON escapes that keep text inside ``<script>``: no ``</script>``, ``<!--`` or entity.

Applied with ``str.replace``, one character at a time (no replacement brings back a
character replaced earlier): fifty times faster than ``str.translate`` with a table that
maps to several characters."""


def script_json(json_text: str) -> str:
    """JSON text made safe inside ``<script type="application/ld+json">``; same JSON value.

    >>> script_json('{"note": "</script><b>"}')
    '{"note": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    for character, escape in _SCRIPT_ESCAPES:
        if character in json_text:
            json_text = json_text.replace(character, escape)
    return json_text


def definition_list(rows: Iterable[tuple[str, str | None]]) -> str:
    """A ``<dl>`` of the rows that have a value (values already HTML), or nothing.

    >>> definition_list([("Status", "active"), ("Operator", None)])
    '<dl><dt>Status</dt><dd>active</dd></dl>\\n'
    """
    items = "".join(f"<dt>{text(name)}</dt><dd>{value}</dd>" for name, value in rows if value)
    return f"<dl>{items}</dl>\n" if items else ""


def external_link(url: str, label: str | None = None) -> str:
    """A link to ``url`` when its scheme is a web one, else the URL as plain text.

    >>> external_link("https://cve.org/", "CVE")
    '<a href="https://cve.org/">CVE</a>'
    >>> external_link("javascript:alert(1)")
    '<code>javascript:alert(1)</code>'
    """
    if not is_web_url(url):
        return f"<code>{text(url)}</code>"
    return f'<a href="{text(url)}">{text(label if label is not None else url)}</a>'


@dataclass(frozen=True)
class Alternate:
    """A data twin of the page: ``<link rel="alternate">`` in the head, a link in the footer."""

    media_type: str
    target: PurePosixPath
    label: str


@dataclass(frozen=True)
class Frame:
    """What the frame needs besides the page's own content.

    :param here: the page's path below the site root (``advisory/mitre.org.html``), which
        every relative link starts from.
    :param breadcrumbs: ``(label, page)`` from the home page down; the last is this page.
    :param jsonld: the page's JSON-LD document text, embedded as is (escaped for ``<script>``).
    """

    title: str
    here: PurePosixPath
    breadcrumbs: Sequence[tuple[str, PurePosixPath]] = ()
    alternates: Sequence[Alternate] = ()
    jsonld: str | None = None
    description: str | None = None
    scripts: Sequence[PurePosixPath] = field(default_factory=tuple)


def _breadcrumbs(frame: Frame) -> str:
    if not frame.breadcrumbs:
        return ""
    items = []
    for index, (label, target) in enumerate(frame.breadcrumbs):
        if index == len(frame.breadcrumbs) - 1:
            items.append(f'<li aria-current="page">{text(label)}</li>')
        else:
            link = text(href(frame.here, target))
            items.append(f'<li><a href="{link}">{text(label)}</a></li>')
    return f'<nav aria-label="Breadcrumb" class="crumbs"><ol>{"".join(items)}</ol></nav>\n'


def render_page(frame: Frame, main: str) -> bytes:
    """The whole HTML document: ``main`` is the page's own, already escaped, content."""
    here = frame.here
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{text(frame.title)} · SecID</title>",
    ]
    if frame.description:
        head.append(f'<meta name="description" content="{text(frame.description)}">')
    head.append(f'<link rel="stylesheet" href="{text(href(here, STYLESHEET))}">')
    head.append(f'<link rel="icon" type="image/svg+xml" href="{text(href(here, ICON))}">')
    for twin in frame.alternates:
        head.append(
            f'<link rel="alternate" type="{text(twin.media_type)}" '
            f'href="{text(href(here, twin.target))}">'
        )
    if frame.jsonld is not None:
        head.append('<script type="application/ld+json">')
        head.append(script_json(frame.jsonld.rstrip()))
        head.append("</script>")
    for script in frame.scripts:
        head.append(f'<script defer src="{text(href(here, script))}"></script>')
    head.append("</head>")
    footer_links = " · ".join(
        f'<a href="{text(href(here, twin.target))}" type="{text(twin.media_type)}">'
        f"{text(twin.label)}</a>"
        for twin in frame.alternates
    )
    body = [
        "<body>",
        '<a class="skip" href="#main">Skip to content</a>',
        '<header class="site"><a href="'
        + text(href(here, HOME))
        + '" class="brand">SecID</a> <span>security knowledge, named</span></header>',
        _breadcrumbs(frame) + '<main id="main">',
        main,
        "</main>",
        '<footer class="site">'
        + (f"<p>This page as data: {footer_links}</p>" if footer_links else "")
        + "<p>Made by secid-rdf from the SecID registry (CC0 1.0).</p></footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(head + body).encode("utf-8")
