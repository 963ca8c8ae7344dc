"""Deterministic synthetic SecID registries, shaped like the real one, of any size.

:mod:`secid_rdf.testing.synthetic_content` plans the namespaces and draws each one's facts;
this module renders them as JSON and Markdown namespace files and writes the registry
(``python -m secid_rdf.testing.synthetic DEST N``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from secid_rdf.testing.synthetic_content import (
    FORMATS,
    TYPES,
    VERSION_STATUSES,
    Content,
    Node,
    build_content,
    check_formats,
    iter_synthetic_namespaces,
    namespace_file_path,
)

__all__ = ["main", "render_json", "render_markdown", "write_synthetic_registry"]


# --- JSON rendering -------------------------------------------------------------------


def _url_objects(urls: list[tuple[str, str, str | None]]) -> list[dict[str, str]]:
    """``urls[]`` entries in the JSON schema's shape."""
    out = []
    for kind, url, note in urls:
        item = {"type": kind, "url": url}
        if note:
            item["note"] = note
        out.append(item)
    return out


def _json_node(node: Node) -> dict[str, object]:
    """One ``match_nodes`` entry (recursively)."""
    data: dict[str, object] = dict(node.data)
    if node.urls:
        data["urls"] = _url_objects(node.urls)
    if node.template:
        data["url"] = node.template
        data["content_type"] = node.content_type
    if node.variables:
        data["variables"] = node.variables
    if node.versions:
        data["versions_available"] = [
            {"version": v, "status": "current" if i == 0 else VERSION_STATUSES[i % 4]}
            for i, v in enumerate(node.versions)
        ]
    if node.example_urls and node.template:
        data["examples"] = [
            {"input": e, "url": node.template.replace("{id}", e).replace("{version}", e)}
            if "{year}" not in node.template
            else {"input": e, "variables": {"year": e.split("-")[1][:4], "id": e}}
            for e in node.examples
        ]
    elif "examples" not in data:
        data["examples"] = list(node.examples)
    patterns = [node.regex] + [f"(?i)^{alias}$" for alias in node.aliases]
    if node.literal is None and not node.regex.startswith(("^", "(?i)")):
        patterns = [f"^{node.regex}$"]
    out: dict[str, object] = {
        "patterns": patterns,
        "description": node.description,
        "weight": node.weight,
        "data": data,
    }
    if node.children:
        out["children"] = [_json_node(child) for child in node.children]
    return out


def render_json(content: Content) -> str:
    """The namespace as a ``schema_version: 1.0`` JSON file (two-space indent, like upstream)."""
    doc: dict[str, object] = {
        "schema_version": "1.0",
        "namespace": content.plan.namespace,
        "type": content.plan.type,
        "status": content.status_json,
        "status_notes": None,
        "official_name": content.official_name,
        "common_name": content.common_name,
        "alternate_names": None,
        "notes": content.notes,
        "wikidata": None,
        "wikipedia": None,
        "urls": _url_objects(content.urls),
        "match_nodes": [_json_node(node) for node in content.nodes],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- Markdown rendering ---------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string escapes are a subset of YAML's)."""
    return json.dumps(text)


def _md_source(lines: list[str], content: Content, node: Node, entity: bool) -> None:
    """One ``sources:``/``names:`` entry, written as hand-formatted YAML."""
    key = node.literal or "docs"
    lines.append(f"  {key}:")
    lines.append(f"    full_name: {_q(str(node.data.get('official_name', node.description)))}")
    lines.append("    urls:")
    for kind, url, _ in node.urls:
        lines.append(f"      {kind}: {_q(url)}")
    templates = [
        c.template for c in node.children if c.template and "{id}" in c.template and not c.variables
    ]
    lookup = templates[0] if templates else node.lookup
    if lookup:
        lines.append(f"      lookup: {_q(lookup)}")
    if entity:
        lines.append(f"    description: {_q(str(node.data.get('description', '')))}")
        return
    regexes = node.subpath_regexes
    if len(regexes) == 1:
        lines.append(f"    id_pattern: {_q(regexes[0])}")
    elif regexes:
        lines.append("    id_patterns:")
        for regex in regexes:
            lines.append(f"      - pattern: {_q(regex)}")
            lines.append(f"        description: {_q('Identifier format')}")
    if node.versions:
        lines.append("    versions:")
        lines.extend(f"      - {_q(v)}" for v in node.versions)
    base = f"secid:{content.plan.type}/{content.plan.namespace}/{key}"
    subpaths = node.examples[:3] if regexes else []
    if not node.has_md_examples:
        return
    lines.append("    examples:")
    version = f"@{node.versions[0]}" if node.versions else ""
    if subpaths:
        lines.extend(f"      - {_q(f'{base}{version}#{s}')}" for s in subpaths)
    else:
        lines.append(f"      - {_q(base + version)}")


def render_markdown(content: Content) -> str:
    """The namespace as Markdown with YAML frontmatter, and a body with ``---`` rules."""
    plan = content.plan
    lines = [
        "---",
        f"type: {plan.type}",
        f"namespace: {plan.namespace}",
        f"full_name: {_q(content.official_name)}",
        f"operator: {_q(f'secid:entity/{content.domain}')}",
        f"website: {_q(content.urls[0][1])}",
        f"status: {content.status_md}",
    ]
    if content.common_name:
        lines.append(f"common_name: {_q(content.common_name)}")
    if content.md_shape == "top":
        node = content.nodes[0]
        lines.append("urls:")
        lines.append(f"  website: {_q(content.urls[0][1])}")
        lines.append(f"  lookup: {_q(str(node.template))}")
        lines.append(f"id_pattern: {_q(node.regex.strip('^$'))}")
        lines.append("examples:")
        lines.extend(f"  - {_q(f'secid:{plan.type}/{plan.namespace}/{e}')}" for e in node.examples)
    elif content.md_shape == "meta":
        lines.append("examples:")
        lines.append(f"  - {_q(content.official_name.split()[0].lower() + '-act')}")
    elif content.nodes:
        lines.append("")
        lines.append("names:" if content.md_shape == "names" else "sources:")
        for node in content.nodes:
            _md_source(lines, content, node, content.md_shape == "names")
    lines += ["---", "", f"# {content.official_name}", "", content.notes, ""]
    lines += content.body
    for node in content.nodes:
        if node.literal is None:
            continue
        lines += ["---", "", f"## {node.literal}", "", str(node.data.get("description", ""))]
        lines += ["", "### Format", "", "```", f"secid:{plan.type}/{plan.namespace}/{node.literal}"]
        lines += ["```"]
        templates = [c.template for c in node.children if c.template]
        if node.lookup:
            templates.append(node.lookup)
        if templates:
            lines += ["", "### Resolution", "", "```", *templates, "```"]
        lines += ["", "### Notes", "", f"- {node.data.get('notes') or content.notes}", ""]
    return "\n".join(lines) + "\n"


# --- writing ------------------------------------------------------------------------------


def _type_files(dest: Path, formats: tuple[str, ...]) -> None:
    """The type description files (``<type>.json``/``.md``) and a registry README."""
    (dest / "README.md").write_text("# Synthetic SecID registry\n\nGenerated for benchmarks.\n")
    for name in TYPES:
        (dest / name).mkdir(parents=True, exist_ok=True)
        title = name.title()
        if "json" in formats:
            doc = {
                "schema_version": "1.0",
                "type": name,
                "official_name": title,
                "description": f"Synthetic {name} namespaces.",
                "format": f"secid:{name}/<namespace>/<name>[#subpath]",
            }
            (dest / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n")
        if "markdown" in formats:
            (dest / f"{name}.md").write_text(f"# {title} Type (`{name}`)\n\nSynthetic.\n")
            (dest / name / "_template.md").write_text(
                f'---\ntype: {name}\nnamespace: ""\nfull_name: ""\nstatus: draft\n---\n'
            )


def write_synthetic_registry(
    dest: Path,
    n_namespaces: int,
    *,
    seed: int = 0,
    formats: Sequence[str] = FORMATS,
) -> None:
    """Write a registry of ``n_namespaces`` namespaces to ``dest`` (reverse-DNS layout).

    With both formats, about 10% of namespaces are Markdown only and 9% are JSON with a
    Markdown twin, as in the May 2026 snapshot; so there are a little more files than
    namespaces. Files are written one namespace at a time.

    :param dest: the registry folder to create (it may exist; files are overwritten).
    :param n_namespaces: how many distinct (type, namespace) pairs to write.
    :param seed: the same seed gives byte-identical files.
    :param formats: ``json`` and/or ``markdown``.
    :raises ValueError: on an unknown format or a negative count.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_synthetic_registry(Path(tmp), 5, formats=("json",))
    ...     len(list(Path(tmp).glob("*/**/*.json")))
    5
    """
    chosen = check_formats(formats)
    dest.mkdir(parents=True, exist_ok=True)
    _type_files(dest, chosen)
    made: set[Path] = set()
    for plan in iter_synthetic_namespaces(n_namespaces, seed=seed, formats=chosen):
        content = build_content(plan, seed)
        for fmt in plan.formats:
            suffix = ".json" if fmt == "json" else ".md"
            path = dest / namespace_file_path(plan.type, plan.namespace, suffix)
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            text = render_json(content) if fmt == "json" else render_markdown(content)
            path.write_text(text, encoding="utf-8")


@click.command()
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.argument("n_namespaces", type=click.IntRange(min=0))
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for every value.")
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    default=FORMATS,
    show_default=True,
    help="File format(s) to write; repeat for both.",
)
def main(dest: Path, n_namespaces: int, seed: int, formats: tuple[str, ...]) -> None:
    """Write a synthetic SecID registry of N_NAMESPACES namespaces to DEST."""
    write_synthetic_registry(dest, n_namespaces, seed=seed, formats=formats)
    click.echo(f"wrote {n_namespaces} namespaces to {dest}", err=True)


if __name__ == "__main__":
    main()
