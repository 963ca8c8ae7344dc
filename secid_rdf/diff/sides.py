"""A side of a diff: a registry folder, or a registry folder at a git revision.

A revision is read with ``git archive`` into a temporary folder, so the work tree, the
index and the checked-out branch are never touched. What git hands over is treated like
any registry file: the archive is bounded in size and member count, and only regular files
and folders inside the temporary folder are written (no links, no ``..``, no absolute
paths).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from secid_rdf.findings import SecidRdfError

__all__ = ["DEFAULT_PATH", "MAX_ARCHIVE_BYTES", "MAX_MEMBERS", "Side", "opened_side"]

MAX_ARCHIVE_BYTES = 512 * 1024 * 1024
"""The most a revision's registry may hold (the May 2026 registry is 8.5 MB)."""

MAX_MEMBERS = 200_000
"""The most files and folders a revision's registry may hold."""

DEFAULT_PATH = "registry"
"""The registry folder of a revision given without ``:PATH`` (the SecID repository's layout),
unless the other side is a folder of the same work tree."""

_GIT_TIMEOUT = 120.0


class SideError(SecidRdfError):
    """A side names neither a registry folder nor a readable git revision of one."""


@dataclass(frozen=True)
class Side:
    """One side as given on the command line, and the folder its registry is read from."""

    label: str
    folder: Path
    commit: str | None = None
    """The commit of a revision (``None`` for a folder, whose own work tree says)."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run git in ``cwd``; its output is bytes, never interpreted by a shell."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SideError(f"git could not run in {cwd}: {error}") from None


def _repo_path(folder: Path) -> tuple[Path, str] | None:
    """(work tree top, path of ``folder`` inside it) when ``folder`` is in a git work tree."""
    done = _git(["rev-parse", "--show-toplevel"], folder)
    if done.returncode != 0:
        return None
    top = Path(os.fsdecode(done.stdout.strip())).resolve()
    try:
        return top, folder.resolve().relative_to(top).as_posix()
    except ValueError:
        return None


@contextlib.contextmanager
def opened_side(spec: str, *, other: str | None = None, cwd: Path | None = None) -> Iterator[Side]:
    """The registry folder ``spec`` names, extracted to a temporary folder for a revision.

    :param spec: a folder, or ``REV[:PATH]`` (``HEAD~1``, ``origin/main:registry``); a
        folder wins when both could be meant.
    :param other: the other side's spec: when it is a folder of this work tree, a ``REV``
        without ``:PATH`` takes that folder's path, else :data:`DEFAULT_PATH`.
    :raises SideError: neither a folder nor a revision git knows, or an archive over bounds.
    """
    here = (cwd or Path.cwd()).resolve()
    if (here / spec).is_dir():
        yield Side(spec, here / spec)
        return
    found = _repo_path(here)
    if found is None:
        raise SideError(f"{spec}: not a folder, and {here} is not in a git work tree")
    top = found[0]
    revision, colon, path = spec.partition(":")
    if not colon:
        path = _default_path(here, top, other)
    commit = _check_revision(revision, top, spec)
    with tempfile.TemporaryDirectory(prefix="secid-rdf-diff-") as temporary:
        folder = Path(temporary)
        _extract(revision, path, top, folder, spec)
        inner = folder.joinpath(*PurePosixPath(path).parts) if path not in ("", ".") else folder
        if not inner.is_dir():
            raise SideError(f"{spec}: {path or '.'} is not a folder at {revision}")
        yield Side(spec, inner, commit)


def _default_path(here: Path, top: Path, other: str | None) -> str:
    """The registry path of a revision given alone (see :func:`opened_side`)."""
    if other is not None and (here / other).is_dir():
        inside = _repo_path(here / other)
        if inside is not None and inside[0] == top:
            return inside[1]
    return DEFAULT_PATH


def _check_revision(revision: str, top: Path, spec: str) -> str | None:
    """The commit of a revision (``None`` for a tree); refuses one git does not know."""
    if not revision or revision.startswith("-"):
        raise SideError(f"{spec}: not a folder or a git revision")
    done = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{tree}"], top)
    if done.returncode != 0:
        raise SideError(f"{spec}: not a folder, and git knows no revision {revision!r}")
    done = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"], top
    )
    commit = done.stdout.decode("ascii", "replace").strip()
    return commit if done.returncode == 0 and len(commit) in (40, 64) else None


def _extract(revision: str, path: str, top: Path, folder: Path, spec: str) -> None:
    """Write the files of ``revision:path`` under ``folder``, within the bounds."""
    pathspec = [] if path in ("", ".") else ["--", path]
    archive = folder / ".archive.tar"
    with open(archive, "wb") as out:
        try:
            done = subprocess.run(
                ["git", "archive", "--format=tar", revision, *pathspec],
                cwd=top,
                stdout=out,
                stderr=subprocess.PIPE,
                timeout=_GIT_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SideError(f"{spec}: git archive failed: {error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SideError(f"{spec}: git archive failed: {message[-1] if message else 'no reason'}")
    if archive.stat().st_size > MAX_ARCHIVE_BYTES + MAX_MEMBERS * 1024:
        raise SideError(f"{spec}: the registry is over {MAX_ARCHIVE_BYTES} bytes")
    try:
        with tarfile.open(archive) as tar:
            members = _safe_members(tar, spec)
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
                tar.extractall(folder, members=members, filter="data")
            else:  # pragma: no cover - the members are checked above either way
                tar.extractall(folder, members=members)
    except (tarfile.TarError, OSError) as error:
        raise SideError(f"{spec}: unreadable archive from git: {error}") from None
    finally:
        archive.unlink(missing_ok=True)


def _safe_members(tar: tarfile.TarFile, spec: str) -> list[tarfile.TarInfo]:
    """The regular files and folders of the archive, checked against the bounds."""
    kept: list[tarfile.TarInfo] = []
    total = 0
    for count, member in enumerate(tar, 1):
        if count > MAX_MEMBERS:
            raise SideError(f"{spec}: the registry holds over {MAX_MEMBERS} files")
        name = PurePosixPath(member.name)
        if name.is_absolute() or ".." in name.parts:
            raise SideError(f"{spec}: archive member outside the registry: {member.name!r}")
        if not (member.isfile() or member.isdir()):
            continue  # links and devices never reach the disk
        total += member.size
        if total > MAX_ARCHIVE_BYTES:
            raise SideError(f"{spec}: the registry is over {MAX_ARCHIVE_BYTES} bytes")
        kept.append(member)
    return kept
