"""The resolution table is cached by content: built once, rebuilt when any file changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from secid_rdf.cli import main
from secid_rdf.resolve import cache as cache_module
from secid_rdf.resolve.cache import cache_dir, content_key

FIXTURE = Path(__file__).parent / "fixtures" / "resolve" / "registry"
SECID = "secid:advisory/example.org/db#DB-2024-1"


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the resolve fixture registry, with a private cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    copy = tmp_path / "registry"
    shutil.copytree(FIXTURE, copy)
    return copy


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts table builds (a cache miss builds, a hit does not)."""
    counted: list[int] = []
    original = cache_module.cached_table

    def counting(paths, build, *, use_cache):  # type: ignore[no-untyped-def]
        def counted_build():  # type: ignore[no-untyped-def]
            counted.append(1)
            return build()

        return original(paths, counted_build, use_cache=use_cache)

    monkeypatch.setattr("secid_rdf.resolve.sources.cached_table", counting)
    return counted


def resolve(registry: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["resolve", str(registry), *args])
    return result.exit_code, result.stdout, result.stderr


def test_second_call_uses_the_cache_and_answers_the_same(registry: Path, builds: list[int]) -> None:
    first = resolve(registry, SECID)
    second = resolve(registry, SECID)
    assert first == second
    assert first[1].startswith("https://example.org/db/DB-2024-1")
    assert len(builds) == 1
    assert cache_dir().is_relative_to(registry.parent / "cache")
    assert len(list(cache_dir().glob("*.pickle"))) == 1


def test_any_changed_added_or_removed_file_gives_a_new_build(
    registry: Path, builds: list[int]
) -> None:
    resolve(registry, SECID)
    target = registry / "advisory" / "org" / "example.json"
    target.write_text(
        target.read_text().replace("https://example.org/db/{id}", "https://example.org/v2/{id}")
    )
    _, out, _ = resolve(registry, SECID)
    assert "https://example.org/v2/DB-2024-1" in out
    (registry / "advisory" / "org" / "more.json").write_text("{}")
    resolve(registry, SECID)
    (registry / "advisory" / "org" / "more.json").unlink()
    resolve(registry, SECID)  # the first content again: cached
    assert len(builds) == 3


def test_no_cache_builds_every_time_and_writes_nothing(registry: Path, builds: list[int]) -> None:
    resolve(registry, "--no-cache", SECID)
    resolve(registry, "--no-cache", SECID)
    assert len(builds) == 2
    assert not cache_dir().exists() or not list(cache_dir().glob("*.pickle"))


def test_reading_findings_are_printed_once_per_build_and_quiet_keeps_only_errors(
    registry: Path,
) -> None:
    (registry / "advisory" / "org" / "broken.json").write_text('{"namespace": ')
    (registry / "advisory" / "org" / "link.json").symlink_to(registry / "nowhere.json")
    _, _, first = resolve(registry, SECID)
    _, _, second = resolve(registry, SECID)
    _, _, quiet = resolve(registry, "--no-cache", "-q", SECID)
    assert "broken.json" in first and "link.json" in first
    assert "broken.json" not in second and "link.json" not in second
    assert "broken.json" in quiet and "link.json" not in quiet


def test_a_corrupt_cache_file_is_rebuilt(registry: Path, builds: list[int]) -> None:
    resolve(registry, SECID)
    for path in cache_dir().glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    code, out, _ = resolve(registry, SECID)
    assert (code, out.splitlines()[0]) == (0, "https://example.org/db/DB-2024-1")
    assert len(builds) == 2


def test_content_key_depends_on_content_not_on_times(registry: Path) -> None:
    before = content_key([registry])
    target = registry / "advisory" / "org" / "example.json"
    later = time.time() + 100
    os.utime(target, (later, later))
    assert content_key([registry]) == before
    target.write_bytes(target.read_bytes() + b" ")
    assert content_key([registry]) != before


def test_a_cached_call_imports_neither_the_converter_nor_rdflib(registry: Path) -> None:
    """What keeps a cached call under half a second: the build's imports stay unloaded."""
    assert resolve(registry, SECID)[0] == 0
    script = (
        "import sys\n"
        "from secid_rdf.cli import main\n"
        "try:\n"
        f"    main(['resolve', '-q', {str(registry)!r}, {SECID!r}])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code == 0, stop.code\n"
        "heavy = ('rdflib', 'pyshacl', 'secid_rdf.export.run', 'secid_rdf.read.registry')\n"
        "print(sorted(name for name in heavy if name in sys.modules), file=sys.stderr)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert completed.stdout.startswith("https://example.org/db/DB-2024-1")
    assert completed.stderr == "[]\n"
