"""Re-exporting into a folder people also use: their files, links and modes are kept.

The export removes only the files its previous run listed in its manifest; it keeps
symbolic links as links and folders with their modes; a folder where a page goes fails
the run with one line and keeps the previous export; an output folder that is a mount
point is updated in place.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from secid_rdf.cli import main
from secid_rdf.export.output_folder import MANIFEST
from secid_rdf.export.run import ExportOptions, export_registry
from secid_rdf.site.htaccess import SITE_RULES

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
    page = next(name for name in listed if name.startswith("advisory/") and "nist" in name)
    theirs = {
        "advisory/mine.html": b"<p>mine</p>\n",
        "mine/index.html": b"<p>index</p>\n",
        "notes.jsonld": b"{}\n",
    }
    for name, data in theirs.items():
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_bytes(data)
    (out / "empty-of-mine").mkdir()
    assert (out / "advisory" / "nist.gov").is_dir()  # the gone namespace's source pages

    result = export_registry(smaller, out, OPTIONS)

    files = _files(out)
    assert {name: files.get(name) for name in theirs} == theirs, "their files are kept"
    assert page in result.removed and page not in files, "the gone namespace's page is removed"
    assert not set(theirs) & set(result.removed)
    assert not (out / "advisory" / "nist.gov").exists(), "no empty folder is left behind"
    assert (out / "empty-of-mine").is_dir(), "their empty folder is kept"
    assert (out / MANIFEST).read_text().splitlines() == sorted(result.files)


def test_links_stay_links_and_folders_keep_their_modes(
    tmp_path: Path, bundled_registry: Path
) -> None:
    out = tmp_path / "out"
    export_registry(bundled_registry, out, OPTIONS)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "inner").mkdir(parents=True)
    (elsewhere / "inner" / "a.txt").write_bytes(b"a\n")
    (out / "linked").symlink_to(elsewhere)
    (out / "advisory" / "theirs.css").symlink_to(elsewhere / "inner" / "a.txt")
    (out / "private").mkdir()
    (out / "private" / "key.txt").write_bytes(b"k\n")
    os.chmod(out / "private", 0o700)
    os.chmod(out / "advisory", 0o750)
    os.chmod(out, 0o711)

    export_registry(bundled_registry, out, OPTIONS)

    assert (out / "linked").is_symlink() and os.readlink(out / "linked") == str(elsewhere)
    assert os.readlink(out / "advisory" / "theirs.css") == str(elsewhere / "inner" / "a.txt")
    assert (elsewhere / "inner" / "a.txt").read_bytes() == b"a\n", "the target is untouched"
    assert (out / "private" / "key.txt").read_bytes() == b"k\n"
    folders = ("private", "advisory", "")
    modes = {name: stat.S_IMODE((out / name).stat().st_mode) for name in folders}
    assert modes == {"private": 0o700, "advisory": 0o750, "": 0o711}


def test_a_folder_where_a_page_goes_exits_2_and_keeps_the_previous_export(
    tmp_path: Path, bundled_registry: Path
) -> None:
    out = tmp_path / "out"
    export_registry(bundled_registry, out, OPTIONS)
    page = next(path for path in sorted((out / "advisory").rglob("*.html")))
    page.unlink()
    (page / "kept.txt").parent.mkdir()
    (page / "kept.txt").write_bytes(b"x\n")
    before = _files(out)

    result = CliRunner().invoke(main, ["export", str(bundled_registry), "--out", str(out)])

    assert result.exit_code == 2
    assert result.output == f"Error: cannot write {page.resolve()}: a folder is in the way\n"
    assert _files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.secid-rdf-new")] == []


@pytest.fixture(params=["tmpfs", "bind"])
def mount_point(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """An empty folder that is a mount point: a tmpfs, or a bind mount (root only).

    A bind mount of a folder of the same file system is not told by the device number.
    """
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    point = tmp_path / "out"
    point.mkdir()
    if request.param == "tmpfs":
        command = ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(point)]
    else:
        (tmp_path / "bound").mkdir()
        command = ["mount", "--bind", str(tmp_path / "bound"), str(point)]
    mounted = subprocess.run(command, capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount here: {mounted.stderr.decode().strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False)


def test_a_mount_point_is_updated_in_place(
    tmp_path: Path, mount_point: Path, registries: tuple[Path, Path]
) -> None:
    full, smaller = registries
    expected = tmp_path / "expected"
    export_registry(smaller, expected, OPTIONS)
    export_registry(full, mount_point, OPTIONS)
    (mount_point / "README.md").write_bytes(b"mine\n")
    (mount_point / "advisory" / "mine.html").write_bytes(b"<p>mine</p>\n")
    (mount_point / ".secid-rdf-new-0123456789ab" / "secid.ttl").mkdir(parents=True)  # killed

    result = export_registry(smaller, mount_point, OPTIONS)

    extra = {"README.md": b"mine\n", "advisory/mine.html": b"<p>mine</p>\n"}
    assert _files(mount_point) == {**_files(expected), **extra}
    assert result.removed and all("nist" in name for name in result.removed)
    hidden = sorted(p.name for p in mount_point.iterdir() if p.name.startswith("."))
    assert hidden == sorted([MANIFEST, SITE_RULES])  # no new folder left
    assert [p.name for p in tmp_path.iterdir() if "secid-rdf-new" in p.name] == []
