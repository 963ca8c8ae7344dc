"""Tell a registry folder from what follows it: ``[REGISTRY] QUERY`` and ``[REGISTRY] SECID...``.

Every command takes the registry as its first argument and may leave it out (the bundled
registry is used). Where other arguments follow, the first one must be told apart from
them. It is never guessed from a failed read: a mistyped folder read as a query or a SecID
would be answered from the bundled registry, or give a syntax error that hides the mistake.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from secid_rdf.findings import RegistryNotFoundError

__all__ = ["split_registry_argument"]


def split_registry_argument(
    arguments: Sequence[str], *, is_item: Callable[[str], bool], item: str
) -> tuple[Path | None, tuple[str, ...]]:
    """Split off the registry folder that may stand first.

    The first argument is the registry when it names a folder; the arguments are all items
    when it reads as one (``is_item``); otherwise it is a registry folder that does not
    exist, which is an error, whatever follows.

    :param is_item: True for an argument that is plainly what follows the registry.
    :param item: what an item is, named in the message when the argument stands alone and
        so may have been meant as one (``a SecID``).
    :returns: the registry folder (``None``: not given) and the other arguments.
    :raises RegistryNotFoundError: the first argument is neither a folder nor an item.

    >>> split_registry_argument(["secid:a/b", "secid:c/d"], is_item=str.islower, item="x")
    (None, ('secid:a/b', 'secid:c/d'))
    >>> split_registry_argument(["Nowhere"], is_item=str.islower, item="a SecID")
    Traceback (most recent call last):
    secid_rdf.findings.RegistryNotFoundError: registry folder not found: Nowhere (give the \
folder that holds <type>/ folders, or a SecID)
    """
    if not arguments:
        return None, ()
    first = arguments[0]
    if os.path.isdir(first):
        return Path(first), tuple(arguments[1:])
    if is_item(first):
        return None, tuple(arguments)
    raise RegistryNotFoundError(first, item if len(arguments) == 1 else None)
