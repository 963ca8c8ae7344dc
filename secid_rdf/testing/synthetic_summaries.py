"""The namespace summaries of a synthetic registry, without writing or converting it.

The site-wide pages need only these records, so tests and the benchmark of those pages
build them straight from the synthetic plan: a site of 100,000 namespaces in seconds.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.site.namespace_page import first_paragraph
from secid_rdf.site.paths import secid_stem
from secid_rdf.site.summary import NamespaceSummary, SourceSummary
from secid_rdf.testing.synthetic_content import build_content, iter_synthetic_namespaces

__all__ = ["synthetic_summaries"]


def _page(base: str, secid: str) -> PurePosixPath:
    """The page of a SecID's resource below the site root."""
    stem = secid_stem(base, secid)
    if stem is None:  # every SecID of the plan names a page
        raise ValueError(secid)
    return PurePosixPath(stem + ".html")


def synthetic_summaries(
    n_namespaces: int, *, seed: int = 0, base: str = DEFAULT_BASE
) -> list[NamespaceSummary]:
    """A summary per planned namespace, with its literal-named sources, in plan order."""
    out = []
    for plan in iter_synthetic_namespaces(n_namespaces, seed=seed):
        content = build_content(plan, seed)
        secid = f"secid:{plan.type}/{plan.namespace}"
        sources = tuple(
            SourceSummary(
                f"{secid}/{node.literal}",
                str(node.data.get("official_name") or node.literal),
                _page(base, f"{secid}/{node.literal}"),
                first_paragraph(str(node.data.get("description") or "")),
            )
            for node in content.nodes
            if node.literal
        )
        out.append(
            NamespaceSummary(
                type_name=plan.type,
                namespace=plan.namespace,
                secid=secid,
                title=content.official_name,
                page=_page(base, secid),
                description=content.notes.split("\n\n", 1)[0],
                status=content.status_json,
                sources=sources,
            )
        )
    return out
