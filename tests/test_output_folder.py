"""Re-exporting into a folder people also use: their files are kept.

The export removes only the files its previous run listed in its manifest.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from secid_rdf.export.output_folder import MANIFEST
from secid_rdf.export.run import ExportOptions, export_registry

OPTIONS = ExportOptions(modified="2026-01-01", jobs=1)
GONE = "registry/advisory/gov/nist.md"
"""The file of a namespace that leaves the registry between two exports."""


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


@pytest.fixture
def registries(tmp_path: Path, bundled_registry: Path) -> tuple[Path, Path]:
    """The bundled registry, and a copy of it without one namespace."""
    smaller = tmp_path / "smaller"
    shutil.copytree(bundled_registry, smaller / "registry")
    (smaller / GONE).unlink()
    return bundled_registry, smaller / "registry"


def test_only_files_of_the_previous_run_are_removed(
    tmp_path: Path, registries: tuple[Path, Path]
) -> None:
    full, smaller = registries
    out = tmp_path / "out"
    export_registry(full, out, OPTIONS)
    listed = (out / MANIFEST).read_text().splitlines()
    assert listed == sorted(_files(out).keys() - {MANIFEST})
    page = next(name for name in listed if name.startswith("pages/advisory/") and "nist" in name)
    theirs = {
        "pages/advisory/mine.html": b"<p>mine</p>\n",
        "pages/index.html": b"<p>index</p>\n",
        "notes.jsonld": b"{}\n",
    }
    for name, data in theirs.items():
        (out / name).write_bytes(data)

    result = export_registry(smaller, out, OPTIONS)

    files = _files(out)
    assert {name: files.get(name) for name in theirs} == theirs, "their files are kept"
    assert page in result.removed and page not in files, "the gone namespace's page is removed"
    assert not set(theirs) & set(result.removed)
    assert (out / MANIFEST).read_text().splitlines() == sorted(result.files)


