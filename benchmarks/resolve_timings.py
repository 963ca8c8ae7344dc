"""Time ``secid-rdf resolve`` as a user meets it: a new process per call, wall and CPU time.

Three stages per registry: one SecID with an empty cache (the registry is converted and its
table cached), one SecID again (the cached table), and 1,000 SecIDs read from standard
input (cached). CPU time is the child process's user + system time, so other load on the
machine does not count. The SecIDs are the registry's own sources and examples.
"""

from __future__ import annotations

import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["BATCH", "resolve_stages", "sample_secids", "timed_process"]

BATCH = 1000
"""SecIDs resolved in one call by the batch stage."""

_COMMAND = [sys.executable, "-c", "from secid_rdf.cli import main; main()", "resolve", "-q"]


def sample_secids(path: Path, count: int = BATCH) -> list[str]:
    """``count`` SecIDs of the registry: its sources, then example items, repeated as needed."""
    from secid_rdf.read.registry import read_registry

    found: list[str] = []
    for namespace in read_registry(path).namespaces:
        for source in namespace.sources:
            if source.secid:
                found.append(source.secid)
                found += [
                    f"{source.secid}#{example.value}"
                    for node in (source, *source.children)
                    for example in node.examples
                    if not example.is_secid
                ]
            found += [example.value for example in source.examples if example.is_secid]
    if not found:
        found = [namespace.secid for namespace in read_registry(path).namespaces]
    return list(itertools.islice(itertools.cycle(found), count))


def _run(path: Path, secids: list[str], cache: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``resolve`` process."""
    return timed_process([*_COMMAND, str(path), "-"], cache, stdin="\n".join(secids))


def timed_process(command: list[str], cache: str, *, stdin: str = "") -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process, with ``cache`` as its cache folder."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "XDG_CACHE_HOME": cache},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def resolve_stages(path: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    """Per stage, (wall, CPU) seconds of each run: ``resolve:cold``, ``:cached``, ``:1000``."""
    secids = sample_secids(path)
    stages: dict[str, list[tuple[float, float]]] = {
        "resolve:cold": [],
        "resolve:cached": [],
        f"resolve:{BATCH}": [],
    }
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="secid-bench-cache-") as cache:
            stages["resolve:cold"].append(_run(path, secids[:1], cache))
            stages["resolve:cached"].append(_run(path, secids[:1], cache))
            stages[f"resolve:{BATCH}"].append(_run(path, secids, cache))
    return stages
