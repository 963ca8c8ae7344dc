"""A diff as Markdown for a pull request comment: the summary on top, each group folded.

Every value from the registry is written as a code span whose backtick fence is longer
than any backtick run inside it, with control characters escaped: no registry text can
open a tag, end the folded block, mention someone or break a line. Group names (SecIDs of
namespaces) go into ``<summary>`` HTML-escaped. Each namespace is named once, in its
``<summary>``.
"""

from __future__ import annotations

import html
import re

from secid_rdf.diff.changes import GroupChange, RegistryDiff
from secid_rdf.diff.report_plain import NO_CHANGES, summary
from secid_rdf.findings import printable

__all__ = ["COMMENT_LIMIT", "code", "render_markdown"]

COMMENT_LIMIT = 65_000
"""Characters of Markdown a pull request comment holds (GitHub's limit is 65,536)."""

_BACKTICKS = re.compile(r"`+")


def code(text: str) -> str:
    """``text`` as a code span that shows it verbatim, on one line.

    >>> code("a`b")
    '``a`b``'
    >>> code("`x")
    '`` `x ``'
    """
    text = printable(text) or "(empty)"
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _value(text: str | None) -> str:
    return "*(none)*" if text is None else code(text)


def _headline(group: GroupChange) -> str:
    """What the folded line says besides the name: state and counts."""
    parts = [group.state]
    for count, what in (
        (len(group.added), "SecIDs added"),
        (len(group.removed), "SecIDs removed"),
        (len(group.renamed), "renamed"),
        (len(group.facts), "facts changed"),
        (len(group.now_failing), "examples now failing"),
        (len(group.resolutions), "resolutions differ"),
    ):
        if count:
            parts.append(f"{count} {what}")
    return ", ".join(parts)


def _body(group: GroupChange) -> list[str]:
    """The Markdown list of one group's changes."""
    lines = [f"- SecID added: {code(s)}" for s in group.added]
    lines += [f"- SecID removed: {code(s)}" for s in group.removed]
    lines += [f"- SecID renamed: {code(a)} → {code(b)}" for a, b in group.renamed]
    lines += [
        f"- {fact.category}: {code(fact.subject)} {code(fact.predicate)}:"
        f" {_value(fact.old)} → {_value(fact.new)}"
        for fact in group.facts
    ]
    lines += [f"- example now fails its patterns: {code(m)}" for m in group.now_failing]
    lines += [f"- example now matches: {code(m)}" for m in group.now_matching]
    for change in group.resolutions:
        old = " ".join(code(url) for url in change.old) or "*(nothing)*"
        new = " ".join(code(url) for url in change.new) or "*(nothing)*"
        lines.append(f"- resolution {change.verdict}: {code(change.secid)}: {old} → {new}")
    if group.resolutions or group.unchanged_resolutions:
        lines.append(f"- resolution unchanged for {group.unchanged_resolutions} examples")
    return lines


def render_markdown(diff: RegistryDiff, *, limit: int | None = COMMENT_LIMIT) -> str:
    """The comment: heading, summary, a review note when needed, then one fold per group.

    :param limit: leave out each fold that would take the text past this many characters
        (``None``: no limit), and keep trying the next ones, so that one huge group (the
        SecID types of a large change) does not hide every namespace; the groups left
        out are counted at the end.
    """
    head = [
        f"### secid-rdf diff: {code(diff.old)} → {code(diff.new)}",
        "",
        f"**{summary(diff)}**" if diff.changed else NO_CHANGES,
        "",
    ]
    if diff.needs_review:
        head += [
            "> [!WARNING]",
            "> This change alters resolution or removes something: ask for a second review.",
            "",
        ]
    text = "\n".join(head) + "\n"
    left_out = 0
    for group in diff.groups:
        fold = "\n".join(
            [
                "<details>",
                f"<summary><code>{html.escape(group.name)}</code>: {_headline(group)}</summary>",
                "",
                *_body(group),
                "",
                "</details>",
                "",
            ]
        )
        if limit is not None and len(text) + len(fold) + 200 > limit:
            left_out += 1
            continue
        text += fold + "\n"
    if left_out:
        text += (
            f"*{left_out} more groups are not shown (a comment holds {limit} characters);"
            " run `secid-rdf diff` for all of them.*\n"
        )
    return text
