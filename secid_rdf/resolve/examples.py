"""The SecIDs a namespace's examples stand for: what pages show resolved, diffs compare.

A Markdown example is a SecID already. A JSON example is a bare input on a node: on a
source with no literal name it is the name; on a source with a name, the name itself (with
``@version``) names the source, and anything else is the subpath under it; deeper, it is
the subpath (or version) under the source, with the version of the nearest literal version
node above it. A source that requires a version is given its first one when none is said.
"""

from __future__ import annotations

from collections.abc import Iterator

from secid_rdf.findings import InvalidSecidError
from secid_rdf.model import Example, MatchNode, Namespace, Source
from secid_rdf.secid import SecID, format_secid, parse_secid

__all__ = ["example_secids", "node_example_secid", "source_example_secid"]


def example_secids(namespace: Namespace) -> list[str]:
    """Every SecID the examples of ``namespace`` stand for, sorted, each once."""
    found = {
        example.value if example.is_secid else f"{namespace.secid}/{example.value}"
        for example in namespace.examples
    }
    for source in namespace.sources:
        found.update(_node_secids(namespace, source, source, ()))
    return sorted(found)


def _version_of(node: MatchNode) -> str | None:
    """The version a literal version node stands for (its SecID's ``@version``)."""
    if node.secid is None:
        return None
    try:
        return parse_secid(node.secid).version
    except InvalidSecidError:
        return None


def node_example_secid(
    namespace: Namespace,
    source: Source,
    node: MatchNode,
    above: tuple[MatchNode, ...],
    example: Example,
) -> str:
    """The SecID a bare example input of ``node`` stands for.

    :param above: the nodes from ``source`` down to ``node``'s parent (empty on a source).
    """
    if node.secid is not None and node.secid.endswith(("@" + example.value, "#" + example.value)):
        return node.secid
    name, _, named_version = example.value.partition("@")
    if not above and source.name is not None and name.casefold() == source.name.casefold():
        parts = SecID(
            type=namespace.type,
            namespace=namespace.namespace,
            name=source.name,
            version=named_version or None,
        )
    elif not above and source.name is None:
        parts = SecID(type=namespace.type, namespace=namespace.namespace, name=example.value)
    else:
        version = (
            example.version
            or next((v for v in map(_version_of, above[1:]) if v is not None), None)
            or (source.versions[0].value if source.version_required and source.versions else None)
        )
        parts = SecID(
            type=namespace.type,
            namespace=namespace.namespace,
            name=source.name or "",
            version=version,
            subpath=example.value,
        )
    return format_secid(parts)


def source_example_secid(namespace: Namespace, source: Source, example: Example) -> str:
    """The SecID an example of ``source`` itself stands for (a full SecID as it is)."""
    if example.is_secid:
        return example.value
    return node_example_secid(namespace, source, source, (), example)


def _node_secids(
    namespace: Namespace, source: Source, node: MatchNode, above: tuple[MatchNode, ...]
) -> Iterator[str]:
    """The SecIDs of the examples of ``node`` and of every node below it."""
    for example in node.examples:
        if example.is_secid:
            yield example.value
        else:
            yield node_example_secid(namespace, source, node, above, example)
    for child in node.children:
        yield from _node_secids(namespace, source, child, (*above, node))
