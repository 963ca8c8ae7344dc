"""A diff as text for a terminal, and as JSON for programs; the summary both reports share."""

from __future__ import annotations

import dataclasses
import json

from secid_rdf.diff.changes import FactChange, GroupChange, RegistryDiff, ResolutionChange
from secid_rdf.findings import printable

__all__ = ["NO_CHANGES", "render_json", "render_text", "summary"]

NO_CHANGES = "no changes"
"""What every report says when the two graphs are the same."""


def summary(diff: RegistryDiff) -> str:
    """One sentence of counts: namespaces, SecIDs, resolution, examples, triples."""
    if not diff.changed:
        return NO_CHANGES
    groups = [g for g in diff.groups if g.name.startswith("secid:")]
    states = {state: sum(g.state == state for g in groups) for state in ("added", "removed")}
    verdicts = {
        verdict: sum(r.verdict == verdict for g in groups for r in g.resolutions)
        for verdict in ("changed", "lost", "gained")
    }
    failing = sum(len(g.now_failing) for g in groups)
    renamed = sum(len(g.renamed) for g in groups)
    return (
        f"{len(groups)} namespace{'' if len(groups) == 1 else 's'} changed"
        f" ({states['added']} added, {states['removed']}"
        f" removed); SecIDs: {diff.secids_added} added, {diff.secids_removed} removed,"
        f" {renamed} renamed; example resolution: {verdicts['changed']} changed,"
        f" {verdicts['lost']} lost, {verdicts['gained']} gained; examples now failing their"
        f" patterns: {failing}; triples: {diff.triples_removed} removed,"
        f" {diff.triples_added} added"
    )


def fact_text(fact: FactChange) -> str:
    """``subject predicate: old -> new`` (``(none)`` for an absent side), on one line."""
    old = printable(fact.old) if fact.old is not None else "(none)"
    new = printable(fact.new) if fact.new is not None else "(none)"
    return f"{printable(fact.subject)} {fact.predicate}: {old} -> {new}"


def resolution_text(change: ResolutionChange) -> str:
    """``verdict SecID: old URLs -> new URLs`` on one line."""
    old = " ".join(printable(url) for url in change.old) or "(nothing)"
    new = " ".join(printable(url) for url in change.new) or "(nothing)"
    return f"{change.verdict} {printable(change.secid)}: {old} -> {new}"


def group_lines(group: GroupChange) -> list[str]:
    """The indented lines of one group's changes, in a fixed order."""
    lines = [f"  SecID added: {printable(s)}" for s in group.added]
    lines += [f"  SecID removed: {printable(s)}" for s in group.removed]
    lines += [f"  SecID renamed: {printable(a)} -> {printable(b)}" for a, b in group.renamed]
    lines += [f"  {fact.category}: {fact_text(fact)}" for fact in group.facts]
    lines += [f"  example now fails: {printable(m)}" for m in group.now_failing]
    lines += [f"  example now matches: {printable(m)}" for m in group.now_matching]
    lines += [f"  resolution {resolution_text(change)}" for change in group.resolutions]
    if group.resolutions or group.unchanged_resolutions:
        lines.append(f"  resolution same for {group.unchanged_resolutions} examples")
    return lines


def render_text(diff: RegistryDiff) -> str:
    """The summary, then each group's changes under its name."""
    lines = [f"{printable(diff.old)} -> {printable(diff.new)}: {summary(diff)}"]
    for group in diff.groups:
        lines.append(f"{printable(group.name)} ({group.state})")
        lines += group_lines(group)
    return "".join(line + "\n" for line in lines)


def render_json(diff: RegistryDiff) -> str:
    """Every field of the diff, with the counts of the summary, as indented JSON."""
    record = dataclasses.asdict(diff)
    record["summary"] = {
        "changed": diff.changed,
        "needs_review": diff.needs_review,
        "secids_added": diff.secids_added,
        "secids_removed": diff.secids_removed,
        "text": summary(diff),
    }
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
