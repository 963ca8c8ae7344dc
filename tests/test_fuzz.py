"""Fuzzing: mutated real registry files never break ``read``, ``export`` or ``validate``.

A fixed seed draws a few hundred mutations of real files: the corpus sample's, and the
full snapshots' when they are present. Each round copies one sample registry, mutates
some of its files (or puts mutated snapshot files at their places) and runs read, export
and validate in this process. No exception may escape; every mutated namespace file is
either used or named by a finding (by a warning or an error when the mutation always
makes it bad); every message is one printable line; every RDF file written parses with
pyoxigraph. The seed and the counts are printed on every run; ``SECID_FUZZ_SEED=N``
tries another seed.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import JSON_CORPUS, JSON_SAMPLE, MARKDOWN_CORPUS, MARKDOWN_SAMPLE
from rdf_graphs import parse_folder

from secid_rdf.export.run import ExportOptions, export_registry
from secid_rdf.findings import Finding, Severity
from secid_rdf.read.located import MAX_DEPTH, MAX_TEXT_LENGTH
from secid_rdf.read.registry import read_registry
from secid_rdf.validate.shacl import validate_registry

SEED = int(os.environ.get("SECID_FUZZ_SEED", "20260518"))
ROUNDS = 12
PER_ROUND = 25
"""Mutated files per round: ROUNDS x PER_ROUND mutations in all."""

_VALUE_LINE = re.compile(rb'^( *"?[A-Za-z_]+"?: *"?)([^"\n\[{|>]+)', re.MULTILINE)
"""A ``key: value`` line (YAML) or ``"key": "value"`` line (JSON) with a plain value."""


Mutate = Callable[[random.Random, bytes, bool], bytes | None]
"""A mutation: a random source, a file's bytes, whether it is JSON; ``None`` when it
cannot be applied to that file."""


@dataclass(frozen=True)
class Mutation:
    """A way to spoil a file; ``bad`` when the result always deserves a warning or error."""

    name: str
    apply: Mutate
    bad: bool = False


def _value_spot(rng: random.Random, data: bytes) -> int | None:
    """Where a random plain value starts (in the frontmatter or the JSON), if anywhere."""
    spots = [match.end(1) for match in _VALUE_LINE.finditer(_head(data))]
    return rng.choice(spots) if spots else None


def _head(data: bytes) -> bytes:
    """The structured part of a file: a Markdown file's frontmatter, a JSON file whole."""
    if data.startswith(b"---"):
        end = data.find(b"\n---", 3)
        return data[: end if end > 0 else len(data)]
    return data


def _insert(text: bytes) -> Mutate:
    def apply(rng: random.Random, data: bytes, is_json: bool) -> bytes | None:
        spot = _value_spot(rng, data)
        return None if spot is None else data[:spot] + text + data[spot:]

    return apply


def _everywhere(text: bytes) -> Mutate:
    """Insert ``text`` in front of every plain value but the file's type and namespace."""

    def apply(rng: random.Random, data: bytes, is_json: bool) -> bytes | None:
        spots = [
            match.end(1)
            for match in _VALUE_LINE.finditer(_head(data))
            if not re.search(rb"\b(type|namespace|schema_version)\b", match.group(1))
        ]
        for spot in reversed(spots):
            data = data[:spot] + text + data[spot:]
        return data if spots else None

    return apply


def _escaped(json_text: bytes, yaml_text: bytes) -> Mutate:
    """Insert an escape sequence inside a quoted value (JSON) or as a quoted value (YAML)."""

    def apply(rng: random.Random, data: bytes, is_json: bool) -> bytes | None:
        spots = [m.end() for m in re.finditer(rb'": "', data)] if is_json else []
        if is_json:
            if not spots:
                return None
            spot = rng.choice(spots)
            return data[:spot] + json_text + data[spot:]
        lines = [m for m in _VALUE_LINE.finditer(_head(data)) if not m.group(1).endswith(b'"')]
        if not lines:
            return None
        line = rng.choice(lines)
        return data[: line.start(2)] + b'"' + yaml_text + b'"' + data[line.end(2) :]

    return apply


def _flip(rng: random.Random, data: bytes, is_json: bool) -> bytes | None:
    spoiled = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        spot = rng.randrange(len(spoiled))
        spoiled[spot] ^= rng.randint(1, 255)
    return bytes(spoiled)


def _truncate(rng: random.Random, data: bytes, is_json: bool) -> bytes | None:
    return data[: rng.randrange(len(data))]


def _swap_type(rng: random.Random, data: bytes, is_json: bool) -> bytes | None:
    other = rng.choice([b"[1, 2]", b"{}", b"12", b"true", b"null", b"[[[]]]", b"{a: 1}"])
    spot = _value_spot(rng, data)
    if spot is None:
        return None
    end = data.find(b"\n", spot)
    rest = data[end:]
    if is_json:  # keep the line's comma, drop the value and its closing quote
        line = data[spot:end]
        other += b"," if line.rstrip().endswith(b",") else b""
        start = spot - 1 if data[spot - 1 : spot] == b'"' else spot
        return data[:start] + other + rest
    return data[:spot] + other + rest


def _duplicate_key(rng: random.Random, data: bytes, is_json: bool) -> bytes | None:
    pattern = rb'^  "[a-z_]+": "[^\n]*",$' if is_json else rb"^[a-z_]+: [^\n]+$"
    lines = list(re.finditer(pattern, _head(data), re.MULTILINE))
    if not lines:
        return None
    line = rng.choice(lines)
    return data[: line.end()] + b"\n" + line.group(0) + data[line.end() :]


def _nest(rng: random.Random, data: bytes, is_json: bool) -> bytes | None:
    depth = rng.choice([MAX_DEPTH + 1, 5_000, 100_000])
    return _swap_value(rng, data, is_json, b"[" * depth + b"]" * depth)


def _huge(rng: random.Random, data: bytes, is_json: bool) -> bytes | None:
    return _swap_value(rng, data, is_json, b'"' + b"\xc3\xa9" * (MAX_TEXT_LENGTH + 1) + b'"')


def _swap_value(rng: random.Random, data: bytes, is_json: bool, value: bytes) -> bytes | None:
    """Put ``value`` (a JSON and YAML flow value) in place of a plain value."""
    matches = list(_VALUE_LINE.finditer(_head(data)))
    if not matches:
        return None
    match = rng.choice(matches)
    end = data.find(b"\n", match.end(2))
    line = data[match.start(2) : end]
    comma = b"," if is_json and line.rstrip().endswith(b",") else b""
    start = match.start(2) - (1 if match.group(1).endswith(b'"') else 0)
    return data[:start] + value + comma + data[end:]


MUTATIONS = [
    Mutation("byte flip", _flip),
    Mutation("truncation", _truncate),
    Mutation("type swap", _swap_type),
    Mutation("RTL override", _insert("\u202e".encode())),
    Mutation("RTL overrides everywhere", _everywhere("\u202e".encode())),
    Mutation("control character", _insert(b"\x1b[31m")),
    Mutation("raw NUL", _insert(b"\x00"), bad=True),
    Mutation("NUL escape", _escaped(b"\\u0000", b"\\0"), bad=True),
    Mutation("lone surrogate", _escaped(b"\\ud800", b"\\ud800"), bad=True),
    Mutation("surrogate bytes", _insert(b"\xed\xa0\x80"), bad=True),
    Mutation("duplicate key", _duplicate_key, bad=True),
    Mutation("deep nesting", _nest, bad=True),
    Mutation("huge string", _huge, bad=True),
]


def _candidates(registry: Path) -> list[str]:
    """The registry's type and namespace files (no README, no ``_`` templates)."""
    return sorted(
        str(path.relative_to(registry))
        for path in registry.rglob("*")
        if path.suffix in (".md", ".json")
        and path.name != "README.md"
        and not any(part.startswith("_") for part in path.relative_to(registry).parts)
    )


def _snapshot_files() -> list[tuple[Path, str]]:
    """Files of the full snapshots, when present: their registry and relative path."""
    found = []
    for registry in (MARKDOWN_CORPUS, JSON_CORPUS):
        if registry.is_dir():
            found += [(registry, name) for name in _candidates(registry)]
    return found


@dataclass
class Round:
    """One mutated registry: which files were mutated how."""

    root: Path
    mutated: dict[str, Mutation]


def _make_round(
    rng: random.Random, number: int, folder: Path, snapshots: list[tuple[Path, str]]
) -> Round:
    sample = (JSON_SAMPLE, MARKDOWN_SAMPLE)[number % 2]
    root = folder / f"round-{number}" / "registry"
    shutil.copytree(sample, root)
    sources = [(root, name) for name in _candidates(root)]
    picks = rng.sample(sources, min(len(sources), PER_ROUND))
    if snapshots:  # a third of the files come from the full snapshots
        picks = picks[: PER_ROUND * 2 // 3] + rng.sample(snapshots, PER_ROUND - PER_ROUND * 2 // 3)
    mutated: dict[str, Mutation] = {}
    for source_root, name in picks:
        if name in mutated:
            continue
        data = (source_root / name).read_bytes()
        for mutation in rng.sample(MUTATIONS, len(MUTATIONS)):
            spoiled = mutation.apply(rng, data, name.endswith(".json")) if data else None
            if spoiled is not None and spoiled != data:
                break
        else:
            continue
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(spoiled)
        mutated[name] = mutation
    return Round(root, mutated)


def _check_messages(findings: tuple[Finding, ...] | list[Finding]) -> None:
    for finding in findings:
        line = str(finding)
        assert line.isprintable(), f"not one printable line: {line[:300]!r}"


def test_mutated_registries_never_break_read_export_or_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(SEED)
    snapshots = _snapshot_files()
    kinds: Counter[str] = Counter()
    named = used = parsed = 0
    for number in range(ROUNDS):
        game = _make_round(rng, number, tmp_path, snapshots)
        kinds.update(mutation.name for mutation in game.mutated.values())
        where = f"seed {SEED}, round {number}, {game.root}"

        registry = read_registry(game.root)
        exported = export_registry(
            game.root, tmp_path / f"out-{number}", ExportOptions(jobs=1), show_progress=False
        )
        validation = validate_registry(game.root)

        for findings in (registry.findings, exported.findings, validation.findings):
            _check_messages(findings)
        files = {
            path.relative_to(tmp_path / f"out-{number}").as_posix(): path.read_bytes()
            for path in (tmp_path / f"out-{number}").rglob("*")
            if path.is_file()
        }
        parsed += parse_folder(files)
        in_use = {name for namespace in registry.namespaces for name in namespace.files}
        mentioned = {f.location.file for f in validation.findings if f.location}
        warned = {
            f.location.file
            for f in validation.findings
            if f.location and f.severity >= Severity.WARNING
        }
        for name, mutation in game.mutated.items():
            if "/" not in name:  # a type file
                continue
            if mutation.bad:
                assert name in warned, f"{where}: {mutation.name} in {name} is not named"
                named += 1
            else:
                assert name in in_use or name in mentioned, f"{where}: {name} silently dropped"
                used += name in in_use
    total = sum(kinds.values())
    with capsys.disabled():
        sys.stdout.write(
            f"\nfuzz seed {SEED}: {total} mutations in {ROUNDS} rounds "
            f"({len(snapshots)} snapshot files to draw from): {dict(sorted(kinds.items()))}; "
            f"{named} always-bad files named by a warning or error, {used} other files used, "
            f"{parsed} RDF files parsed\n"
        )
    assert total >= 250
