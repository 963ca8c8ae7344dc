"""An export stopped or failing at any point leaves one complete export and no process.

The export of the larger corpus is stopped over a complete export of the smaller one, at
three points and in four ways (Ctrl-C and SIGTERM to its process group, SIGTERM and
SIGKILL to the export alone); afterwards the folder holds exactly the files of one of the
two runs (each run's RDF files all parse), no process of the export is alive, and the
next run cleans up and writes the new export. One export at a time per folder; write
failures are one line, exit 2.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdf_graphs import parse_folder

from secid_rdf.cli import main
from secid_rdf.export.output_folder import MANIFEST
from secid_rdf.export.run import ExportOptions, export_registry
from secid_rdf.site.htaccess import SITE_RULES


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def runs(
    markdown_corpus: Path, json_corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, bytes]]:
    """The files of a complete export of each corpus: the old run and the new one."""
    folders = {"old": markdown_corpus, "new": json_corpus}
    files = {}
    for name, registry in folders.items():
        out = tmp_path_factory.mktemp(name) / "out"
        export_registry(registry, out, ExportOptions(modified="2026-01-01"), show_progress=False)
        files[name] = _files(out)
        assert parse_folder(files[name]) > 100, "every RDF file of a complete run parses"
    return files


def _write(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def _leftovers(out: Path) -> list[str]:
    """Hidden folders and temporary files of an export beside or inside ``out``."""
    beside = [
        path.name
        for path in out.parent.iterdir()
        if path.name.startswith(f".{out.name}.") and path.is_dir()
    ]
    inside = [str(p) for p in out.rglob(".*") if p.name not in (MANIFEST, SITE_RULES)]
    return beside + inside


def _staged_pages(out: Path) -> int:
    """How many page files the running export has written into its new folder."""
    return sum(
        len(files)
        for staging in out.parent.glob(f".{out.name}.secid-rdf-new-*")
        for _, _, files in os.walk(staging)
    )


def _group(pgid: int) -> list[int]:
    """The processes of a process group that are alive (not yet ended, zombies excepted)."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii") as handle:
                state, _, group = handle.read().rpartition(")")[2].split()[:3]
        except OSError:
            continue
        if int(group) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


POINTS: dict[str, Callable[[Path], bool]] = {
    "reading": lambda out: (
        _staged_pages(out) == 0 and any(out.parent.glob(f".{out.name}.secid-rdf-new-*"))
    ),
    "writing pages": lambda out: _staged_pages(out) >= 800,
    "nearly done": lambda out: _staged_pages(out) >= 1800,
}

STOPS = {
    "Ctrl-C": (signal.SIGINT, os.killpg),
    "kill -TERM of the group": (signal.SIGTERM, os.killpg),
    "kill -TERM": (signal.SIGTERM, os.kill),
    "kill -9": (signal.SIGKILL, os.kill),
}
"""How an export is stopped: the signal, and whether it reaches the process group."""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states in /proc")
@pytest.mark.parametrize("point", list(POINTS))
@pytest.mark.parametrize("stop", list(STOPS))
def test_a_stopped_export_leaves_one_complete_export_and_no_process(
    tmp_path: Path, json_corpus: Path, runs: dict[str, dict[str, bytes]], stop: str, point: str
) -> None:
    signum, send = STOPS[stop]
    out = tmp_path / "out"
    _write(out, runs["old"])
    command = [sys.executable, "-c", "from secid_rdf.cli import main; main()", "export"]
    process = subprocess.Popen(
        [*command, str(json_corpus), "--out", str(out), "--modified", "2026-01-01"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a command
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and not POINTS[point](out) and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = [pid for pid in _group(process.pid) if pid != process.pid]
    send(process.pid, signum)
    try:
        _, errors = process.communicate(timeout=60)
    finally:
        if _group(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode != 0, f"the export ended before {point}"
    assert workers, "the export had no worker processes to stop"
    if signum != signal.SIGKILL:
        assert process.returncode == 128 + signum
        assert errors.splitlines() == [errors.strip()], "one line"
        assert signal.Signals(signum).name in errors and "Traceback" not in errors
    waited = time.monotonic() + 5
    while _group(process.pid) and time.monotonic() < waited:
        time.sleep(0.05)
    assert _group(process.pid) == [], "a process of the export outlived it"

    assert _files(out) in (runs["old"], runs["new"]), "the folder mixes two runs"

    export_registry(json_corpus, out, ExportOptions(modified="2026-01-01"))
    assert _files(out) == runs["new"], "the next run gives the clean result"
    assert _leftovers(out) == []


def _lock(out: Path) -> int:
    handle = os.open(out.parent / f".{out.name}.secid-rdf.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(handle, b"4242\n")
    return handle


def test_a_second_export_into_the_same_folder_exits_2_naming_the_first(
    tmp_path: Path, markdown_corpus: Path
) -> None:
    out = tmp_path / "out"
    handle = _lock(out)
    try:
        result = CliRunner().invoke(main, ["export", str(markdown_corpus), "--out", str(out)])
    finally:
        os.close(handle)
    assert result.exit_code == 2
    assert "process 4242" in result.output and len(result.output.splitlines()) == 1
    assert not out.exists(), "nothing was written"


def test_a_dump_path_that_is_a_folder_exits_2_and_keeps_the_previous_export(
    tmp_path: Path, markdown_corpus: Path, runs: dict[str, dict[str, bytes]]
) -> None:
    out = tmp_path / "out"
    _write(out, {name: data for name, data in runs["old"].items() if name != "secid.nt"})
    (out / "secid.nt").mkdir()
    before = _files(out)
    result = CliRunner().invoke(main, ["export", str(markdown_corpus), "--out", str(out)])
    assert result.exit_code == 2
    assert f"cannot write {out.resolve() / 'secid.nt'}" in result.output
    assert len(result.output.splitlines()) == 1
    assert _files(out) == before and (out / "secid.nt").is_dir()
    assert _leftovers(out) == []


def test_stale_pages_are_removed_and_files_of_others_kept(
    tmp_path: Path, markdown_corpus: Path, runs: dict[str, dict[str, bytes]]
) -> None:
    out = tmp_path / "out"
    theirs = {
        "README.md": b"mine\n",
        "advisory/theirs.css": b"p {}\n",
        "advisory/mine.org.html": b"<p>mine</p>\n",
        ".git/HEAD": b"ref\n",
    }
    stale = {".secid.nt.0123456789ab.tmp": b""}
    _write(out, {**runs["new"], **theirs, **stale})
    result = export_registry(markdown_corpus, out, ExportOptions(modified="2026-01-01"))
    files = _files(out)
    assert {name: files.get(name) for name in theirs} == theirs
    assert not set(stale) & set(files)
    assert {name: data for name, data in files.items() if name not in theirs} == runs["old"]
    assert set(result.removed) == set(runs["new"]) - set(runs["old"]) | set(stale)
    assert any(name.endswith(".html") for name in result.removed)
    assert _leftovers(out) == [str(out / ".git")]


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_a_full_disk_exits_2_with_one_line_and_keeps_the_previous_export(
    tmp_path: Path, json_corpus: Path, bundled_registry: Path
) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        out = disk / "out"
        export_registry(bundled_registry, out, ExportOptions(jobs=1), show_progress=False)
        before = _files(out)
        result = CliRunner().invoke(main, ["export", str(json_corpus), "--out", str(out)])
        assert result.exit_code == 2
        assert "No space left on device" in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert _files(out) == before
        assert _leftovers(out) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)
        shutil.rmtree(disk, ignore_errors=True)
