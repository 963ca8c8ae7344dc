"""The command line is consistent: help, version, how a registry is given, --quiet, errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import secid_rdf
from secid_rdf.cli import main

REGISTRY_COMMANDS = {
    "stats": [],
    "export": ["--out", "{tmp}/out", "--no-pages"],
    "validate": [],
    "load": ["--store", "http://127.0.0.1:9/store", "--dry-run"],
    "query": ["ASK {}"],
    "resolve": ["secid:entity/aisi"],
}
"""Each command that reads a registry, with the arguments it needs besides REGISTRY."""


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``resolve`` caches into a folder of each test's own, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="secid-rdf")


def registry_args(command: str, registry: Path, tmp_path: Path) -> list[str]:
    options = [option.replace("{tmp}", str(tmp_path)) for option in REGISTRY_COMMANDS[command]]
    return [command, str(registry), *options]


@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize("command", ["", *sorted(main.commands)])
def test_every_command_answers_both_help_flags(command: str, flag: str) -> None:
    result = invoke(*([command] if command else []), flag)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: secid-rdf {command}".rstrip())
    assert "-h, --help" in result.output


def test_version_names_the_program_and_its_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output == f"secid-rdf, version {secid_rdf.__version__}\n"


@pytest.mark.parametrize("command", sorted(REGISTRY_COMMANDS))
def test_registry_commands_take_the_registry_as_their_first_argument(command: str) -> None:
    usage = invoke(command, "-h").output.splitlines()[0]
    assert usage.startswith(f"Usage: secid-rdf {command} [OPTIONS] [REGISTRY]")


@pytest.mark.parametrize("command", sorted(REGISTRY_COMMANDS))
def test_a_folder_without_registry_files_exits_2_with_a_hint(command: str, tmp_path: Path) -> None:
    checkout = tmp_path / "secid"
    (checkout / "registry" / "advisory").mkdir(parents=True)
    (checkout / "README.md").write_text("# SecID\n", encoding="utf-8")
    result = invoke(*registry_args(command, checkout, tmp_path))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Error: no registry files under {checkout}; did you mean {checkout / 'registry'}?\n"
    )
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()


@pytest.fixture
def checkout_root(tmp_path: Path, bundled_registry: Path) -> Path:
    """A SecID checkout: README and docs at the top, the registry in ``registry/``."""
    checkout = tmp_path / "secid"
    shutil.copytree(bundled_registry, checkout / "registry")
    (checkout / "README.md").write_text("# SecID\n", encoding="utf-8")
    (checkout / "CONTRIBUTING.md").write_text("# Contributing\n", encoding="utf-8")
    (checkout / "docs").mkdir()
    (checkout / "docs" / "guide.md").write_text("# Guide\n", encoding="utf-8")
    (checkout / "schemas").mkdir()
    (checkout / "schemas" / "namespace.json").write_text("{}\n", encoding="utf-8")
    return checkout


@pytest.mark.parametrize("command", sorted(REGISTRY_COMMANDS))
def test_a_checkout_root_exits_2_and_names_its_registry_folder(
    command: str, checkout_root: Path, tmp_path: Path
) -> None:
    result = invoke(*registry_args(command, checkout_root, tmp_path))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Error: no registry files under {checkout_root}; "
        f"did you mean {checkout_root / 'registry'}?\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_registry_with_a_folder_named_registry_is_read(
    checkout_root: Path, tmp_path: Path
) -> None:
    registry = checkout_root / "registry"
    (registry / "registry").mkdir()
    (registry / "registry" / "notes.md").write_text("# Notes\n", encoding="utf-8")
    result = invoke("stats", str(registry))
    assert result.exit_code == 0, result.output


def test_a_registry_of_types_unknown_to_secid_is_read_beside_a_registry_folder(
    tmp_path: Path, bundled_registry: Path
) -> None:
    folder = tmp_path / "mine"
    (folder / "sightings").mkdir(parents=True)
    shutil.copy(bundled_registry / "reference" / "aisi.md", folder / "sightings" / "aisi.md")
    shutil.copytree(bundled_registry, folder / "registry")
    (folder / "sightings.md").write_text("# Sightings\n", encoding="utf-8")
    result = invoke("stats", str(folder))
    assert result.exit_code != 2, result.output
    assert result.stdout.startswith(f"registry: {folder.resolve()}\n")
    assert "sightings/aisi.md" in result.stderr  # read, and found in the wrong type folder


@pytest.mark.parametrize("command", sorted(REGISTRY_COMMANDS))
@pytest.mark.parametrize("given", ["nowhere", "a-file.md"])
def test_a_missing_registry_folder_exits_2_in_one_line(
    command: str, given: str, tmp_path: Path
) -> None:
    (tmp_path / "a-file.md").write_text("# not a folder\n", encoding="utf-8")
    result = invoke(*registry_args(command, tmp_path / given, tmp_path))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Error: registry folder not found: {tmp_path / given} "
        "(give the folder that holds <type>/ folders)\n"
    )


def test_an_error_quoting_a_path_escapes_what_is_not_printable(tmp_path: Path) -> None:
    result = invoke("stats", str(tmp_path / "x\u202egpj.exe\nline"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: registry folder not found: {tmp_path}/x\\u202egpj.exe\\nline "
        "(give the folder that holds <type>/ folders)\n"
    )


def test_an_empty_folder_with_no_registry_beside_says_which_folder_to_give(
    tmp_path: Path,
) -> None:
    result = invoke("stats", str(tmp_path))
    assert result.exit_code == 2
    assert "give the folder that holds the <type>/ folders" in result.stderr


@pytest.mark.parametrize(
    ("command", "alternative"), [("query", "a SPARQL query"), ("resolve", "a SecID")]
)
def test_a_lone_argument_that_is_no_folder_is_not_read_as_the_other_kind(
    command: str, alternative: str, tmp_path: Path
) -> None:
    missing = tmp_path / "nonexist"
    result = invoke(command, str(missing))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Error: registry folder not found: {missing} "
        f"(give the folder that holds <type>/ folders, or {alternative})\n"
    )
    assert result.stdout == ""


def test_a_lone_query_or_secid_uses_the_bundled_registry() -> None:
    asked = invoke("query", "ask { ?s ?p ?o }", "--format", "csv")
    assert (asked.exit_code, asked.stdout) == (0, "true"), asked.output
    resolved = invoke("resolve", " SECID:entity/aisi ")
    assert resolved.exit_code == 0, resolved.output


def test_a_registry_with_the_query_from_a_file_is_the_registry(
    bundled_registry: Path, tmp_path: Path
) -> None:
    (tmp_path / "q.rq").write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    result = invoke("query", str(bundled_registry), "--file", str(tmp_path / "q.rq"))
    assert result.exit_code == 0, result.output
    missing = invoke("query", "nonexist", "--file", str(tmp_path / "q.rq"))
    assert missing.exit_code == 2
    assert missing.stderr.startswith("Error: registry folder not found: nonexist ")


def test_query_with_a_registry_and_no_query_is_a_usage_error(bundled_registry: Path) -> None:
    result = invoke("query", str(bundled_registry))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: REGISTRY {bundled_registry} has no query: "
        "add QUERY, --file FILE or --library NAME\n"
    )


@pytest.fixture
def registry_with_a_warning(tmp_path: Path, bundled_registry: Path) -> Path:
    """A copy of one bundled file plus a symbolic link, which is skipped with a warning."""
    registry = tmp_path / "registry"
    source = bundled_registry / "reference" / "aisi.md"
    (registry / "reference").mkdir(parents=True)
    (registry / "reference" / "aisi.md").write_bytes(source.read_bytes())
    (registry / "reference" / "linked.md").symlink_to(source)
    return registry


@pytest.mark.parametrize("command", ["stats", "export", "load", "query"])
def test_quiet_hides_warnings_and_summaries(
    command: str, registry_with_a_warning: Path, tmp_path: Path
) -> None:
    args = registry_args(command, registry_with_a_warning, tmp_path)
    loud = invoke(*args)
    quiet = invoke(*args, "--quiet")
    assert loud.exit_code == quiet.exit_code == 0, loud.output
    assert "reference/linked.md: warning: symbolic link not followed" in loud.stderr
    assert quiet.stderr == ""
    assert quiet.stdout == loud.stdout


def test_quiet_still_prints_errors(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    (registry / "advisory").mkdir(parents=True)
    (registry / "advisory" / "bad.json").write_text("{", encoding="utf-8")
    result = invoke("stats", str(registry), "-q")
    assert result.exit_code == 1
    assert result.stderr.startswith("advisory/bad.json:")
    assert ": error: " in result.stderr


def test_public_api_is_sorted_and_every_name_resolves() -> None:
    assert secid_rdf.__all__ == sorted(secid_rdf.__all__, key=_ruff_order)
    for name in secid_rdf.__all__:
        assert getattr(secid_rdf, name) is not None, name
    with pytest.raises(AttributeError):
        secid_rdf.no_such_name  # noqa: B018


def _ruff_order(name: str) -> tuple[int, str]:
    """Ruff's __all__ order: CONSTANTS, then Classes, then functions (dunders with these)."""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def test_importing_the_command_line_loads_neither_rdflib_nor_pyshacl() -> None:
    """Every call pays for what the command line imports (rdflib: 60 ms of 0.5 s)."""
    code = (
        "import sys; from secid_rdf.cli import main; "
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'importlib.metadata') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout == "[]\n"


def test_importing_the_package_loads_no_rdf_library() -> None:
    code = (
        "import sys, secid_rdf; "
        "print(sorted(m for m in ('rdflib', 'pyoxigraph', 'pyshacl') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(secid_rdf.__file__).parent.parent)}
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert completed.stdout == "[]\n"
