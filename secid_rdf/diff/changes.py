"""What a diff found, as plain data every report renders (text, Markdown, JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "FactChange",
    "GroupChange",
    "RegistryDiff",
    "ResolutionChange",
]


@dataclass(frozen=True, order=True)
class FactChange:
    """One fact that changed: ``old`` became ``new`` (``None`` when absent on that side).

    ``subject`` and the values are shown relative to the base; things named by their
    content (match nodes, patterns, links) are shown by their owner and kind, so that a
    changed template is one change, not a removed and an added resource.
    """

    category: str
    subject: str
    predicate: str
    old: str | None
    new: str | None


@dataclass(frozen=True, order=True)
class ResolutionChange:
    """An example SecID whose resolution differs: ``verdict`` is changed, lost or gained."""

    secid: str
    verdict: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class GroupChange:
    """The changes of one namespace (or of the SecID types, or of the shared concepts).

    ``state`` is ``added``, ``removed`` or ``changed`` (only a namespace is added or removed:
    its own SecID is not repeated in ``added`` or ``removed``); ``now_failing`` and ``now_matching``
    are the example checks whose outcome flipped (a message each).
    """

    name: str
    state: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    facts: tuple[FactChange, ...] = ()
    now_failing: tuple[str, ...] = ()
    now_matching: tuple[str, ...] = ()
    resolutions: tuple[ResolutionChange, ...] = ()
    unchanged_resolutions: int = 0


@dataclass(frozen=True)
class RegistryDiff:
    """Every change between two registries, grouped; empty groups are left out."""

    old: str
    new: str
    groups: tuple[GroupChange, ...] = field(default=())
    triples_removed: int = 0
    triples_added: int = 0

    @property
    def changed(self) -> bool:
        """True when the graphs differ."""
        return bool(self.triples_removed or self.triples_added)

    @property
    def needs_review(self) -> bool:
        """True when a resolution changed or something was lost (exit code 1)."""
        return any(
            group.removed
            or group.renamed
            or group.now_failing
            or group.resolutions
            or group.state == "removed"
            for group in self.groups
        )

    @property
    def secids_added(self) -> int:
        """SecIDs the new side names that the old one does not (renamed ones included)."""
        return sum(
            len(group.added) + len(group.renamed) + (group.state == "added")
            for group in self.groups
        )

    @property
    def secids_removed(self) -> int:
        """SecIDs the old side names that the new one does not (renamed ones included)."""
        return sum(
            len(group.removed) + len(group.renamed) + (group.state == "removed")
            for group in self.groups
        )
