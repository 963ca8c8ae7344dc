"""Ask git about the work tree a registry folder lives in: its commit and the commit's date.

A registry need not be a git checkout, and its folder is untrusted: git runs locally with
no prompts, no optional locks, no system configuration and no file-system monitor, and any
failure gives ``None``.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

__all__ = ["commit_date", "head_commit"]

_COMMIT = re.compile(r"\A[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
"""A full SHA-1 or SHA-256 commit name."""


def head_commit(root: Path) -> str | None:
    """The commit checked out where ``root`` lives, if it is in a git work tree."""
    commit = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    return commit if commit is not None and _COMMIT.match(commit) else None


def commit_date(root: Path, commit: str) -> str | None:
    """The committer date of ``commit`` (strict ISO 8601), or ``None`` when git cannot tell."""
    return _git(root, "show", "-s", "--format=%cI", commit)


def _git(root: Path, *arguments: str) -> str | None:
    """What ``git -C root ARGUMENTS`` prints, stripped; ``None`` on any failure or no output."""
    environment = {
        "PATH": os.environ.get("PATH", os.defpath),
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": os.environ.get("HOME", "/"),
    }
    command = ["git", "-c", "core.fsmonitor=false", "-C", str(root), *arguments]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=10, env=environment, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    output = completed.stdout.strip()
    return output if completed.returncode == 0 and output else None
