"""Locate the files that ship with secid-rdf: ontology, shapes, context, queries, registry."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = [
    "bundled_registry_path",
    "context_path",
    "ontology_path",
    "queries_dir",
    "registry_schema_path",
    "shapes_dir",
    "site_script_path",
    "site_stylesheet_path",
]


def _data_dir() -> Path:
    """The package's ``data`` folder (symlinks to the repository's top-level folders)."""
    return Path(str(files("secid_rdf") / "data"))


def bundled_registry_path() -> Path:
    """The default registry that ships with secid-rdf."""
    return _data_dir() / "registry"


def context_path() -> Path:
    """The JSON-LD context generated from the ontology (``secid_rdf.formats.context``)."""
    return _data_dir() / "context.jsonld"


def site_stylesheet_path() -> Path:
    """The site's one stylesheet, copied to ``style.css`` at the top of an export."""
    return _data_dir() / "site.css"


def site_icon_path() -> Path:
    """The site's icon, copied to ``icon.svg``: a browser asks every site for one."""
    return _data_dir() / "site-icon.svg"


def ontology_path() -> Path:
    """The SecID ontology in Turtle."""
    return _data_dir() / "ontology" / "secid.ttl"


def queries_dir() -> Path:
    """The folder of shipped SPARQL queries (``*.rq``, each opening with what it answers)."""
    return Path(str(files("secid_rdf") / "resolve" / "queries"))


def shapes_dir() -> Path:
    """The folder of SHACL shapes files (``*.ttl``)."""
    return _data_dir() / "shapes"


def registry_schema_path() -> Path:
    """The registry's JSON schema of a namespace file, as published upstream."""
    return _data_dir() / "registry-namespace.schema.json"


def site_script_path() -> Path:
    """The site's filter code, written into ``search.js`` after the search index."""
    return _data_dir() / "site-search.js"
