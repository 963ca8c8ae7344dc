"""What a change does to resolution and to the example checks of the changed namespaces.

Every example SecID of a changed namespace (on either side) is resolved against each side
with :mod:`secid_rdf.resolve`, the code the live resolver's answers are checked against;
each is then the same, changed, lost (found before, not now) or gained. The example
checks of ``secid-rdf validate`` run on both sides too: an example a pattern now refuses,
or one it now accepts, is named with the check's message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyoxigraph import Quad

from secid_rdf.diff.changes import ResolutionChange
from secid_rdf.model import Namespace
from secid_rdf.resolve.matching import Resolution
from secid_rdf.resolve.resolver import resolve_secids
from secid_rdf.resolve.sources import quads_table
from secid_rdf.validate.examples import example_findings

__all__ = ["example_check_changes", "resolution_changes"]


def _outcome(resolution: Resolution) -> tuple[str, ...]:
    """What a reviewer compares: the URLs when found, else the status."""
    if resolution.status == "found":
        return tuple(resolved.url for resolved in resolution.urls)
    return (f"({resolution.status})",)


def resolution_changes(
    secids: Sequence[str], old_quads: Iterable[Quad], new_quads: Iterable[Quad]
) -> tuple[tuple[ResolutionChange, ...], int]:
    """The example SecIDs that resolve differently, and how many resolve the same.

    :param old_quads: the quads of every namespace these SecIDs may fall in, old side.
    """
    if not secids:
        return (), 0
    before = resolve_secids(secids, quads_table(old_quads))
    after = resolve_secids(secids, quads_table(new_quads))
    changes = []
    for secid, old, new in zip(secids, before, after, strict=True):
        old_urls, new_urls = _outcome(old), _outcome(new)
        if old_urls == new_urls:
            continue
        if old.status == "found" and new.status != "found":
            verdict = "lost"
        elif old.status != "found" and new.status == "found":
            verdict = "gained"
        else:
            verdict = "changed"
        changes.append(ResolutionChange(secid, verdict, old_urls, new_urls))
    return tuple(changes), len(secids) - len(changes)


def example_check_changes(
    old: Namespace | None, new: Namespace | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(examples a pattern now refuses, examples now accepted), as check messages."""
    before = {f.message for f in example_findings([old])} if old is not None else set()
    after = {f.message for f in example_findings([new])} if new is not None else set()
    now_failing = sorted(after - before)
    now_matching = sorted(before - after) if new is not None else []
    return tuple(now_failing), tuple(now_matching)
