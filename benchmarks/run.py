"""Time secid-rdf stage by stage on real and synthetic registries.

Stages: generate (synthetic inputs only), read, convert, one serialisation per format,
validate, the whole export, and ``secid-rdf resolve`` (one SecID cold and cached, 1,000
SecIDs, each a new process: ``resolve_timings.py``); beside them rdflib alone builds a
graph of the same triples and writes it as Turtle and JSON-LD, so the export can be
compared with the library most projects use (the ratio export / rdflib is printed per
input).

Every input runs in fresh subprocesses (one for the pipeline stages, one per export
stage), so the peak resident memory reported for an export is that export's own. Each stage runs
``--runs`` times; the median is reported. Run ``python benchmarks/run.py --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Measurement", "main", "measure_input"]

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {
    "markdown-corpus": ROOT.parent / "shared" / "corpora" / "secid-f1b7ea6" / "registry",
    "json-corpus": ROOT.parent / "shared" / "corpora" / "secid-7df975b" / "registry",
}
RDFLIB_FORMATS = ("turtle", "json-ld")
"""What rdflib alone writes for the comparison: the two formats the export's ratio uses."""


@dataclass
class Measurement:
    """One stage on one input: every run's seconds, the graph size, memory high-water marks.

    ``peak_rss_mb`` is the process's resident high-water mark after the stage (for the
    pipeline stages it includes the earlier stages of the same process; the export runs
    alone). ``peak_tree_mb`` is the highest memory of the process and its worker processes
    together during the stage's runs (their summed proportional set size, sampled; Linux
    only). ``py_peak_mb`` is tracemalloc's peak of Python allocations during the stage.
    ``cpu_seconds`` is each run's CPU time (user and system) of the process and of the
    worker processes it waited for.
    """

    input: str
    stage: str
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    triples: int | None = None
    peak_rss_mb: float | None = None
    peak_tree_mb: float | None = None
    py_peak_mb: float | None = None
    note: str = ""

    @property
    def median(self) -> float | None:
        """Median seconds over the runs, or ``None`` when the stage did not run."""
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def median_cpu(self) -> float | None:
        """Median CPU seconds over the runs, or ``None`` when the stage did not run."""
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else None

    @property
    def triples_per_second(self) -> float | None:
        """Triples of the resulting graph divided by the median time."""
        median = self.median
        if not self.triples or not median:
            return None
        return self.triples / median


def _rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU time so far of this process and of the children it waited for (user + system)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux ``/proc``)."""
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            children = handle.read().split()
    except OSError:
        return pids
    for child in children:
        pids += _tree_pids(int(child))
    return pids


def _pss_kb(pid: int) -> int:
    """The proportional set size of a process in kB (shared pages split among sharers)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory:
    """Samples the memory of this process and its children in a thread, keeping the peak.

    Forked workers share the parent's pages until they write them, so their resident
    sizes overlap; proportional set sizes add up to what the processes really hold.
    """

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.available = Path(f"/proc/{os.getpid()}/smaps_rollup").exists()

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = sum(_pss_kb(pid) for pid in _tree_pids(os.getpid()))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()


class NotAvailableError(Exception):
    """A stage whose module or function does not exist (yet): shown as n/a."""


@dataclass(frozen=True)
class Probes:
    """Optional extra runs per stage: tracemalloc's peak, and a cProfile dump per stage."""

    traced: bool = False
    profile_dir: Path | None = None


def _timed(
    record: Measurement,
    runs: int,
    action: Callable[[], Any],
    probes: Probes,
) -> Any:
    """Run ``action`` ``runs`` times, record each time; return the last result.

    The memory of the process tree is sampled in one more run, untimed (reading
    ``/proc/PID/smaps_rollup`` takes CPU from the run it watches); with ``runs`` 1, in
    that run.
    """
    result = None
    tree = TreeMemory()
    for _ in range(runs):
        result = None
        gc.collect()
        with tree if runs == 1 else contextlib.nullcontext():
            start, cpu = time.perf_counter(), _cpu_seconds()
            result = action()
            record.seconds.append(time.perf_counter() - start)
            record.cpu_seconds.append(_cpu_seconds() - cpu)
    if runs > 1:
        result = None
        gc.collect()
        with tree:
            result = action()
    record.peak_rss_mb = _rss_mb()
    record.peak_tree_mb = tree.peak_kb / 1024 if tree.available else None
    if probes.traced:
        result = None
        gc.collect()
        tracemalloc.start()
        result = action()
        record.py_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    if probes.profile_dir is not None:
        result = None
        gc.collect()
        profiler = cProfile.Profile()
        result = profiler.runcall(action)
        name = f"{record.input}-{record.stage}".replace(":", "-")
        profiler.dump_stats(probes.profile_dir / f"{name}.prof")
    return result


# --- stage adapters: the only code that knows secid-rdf's API --------------------------


def _import(module: str, name: str) -> Any:
    """``module.name``, or :class:`NotAvailableError` when it is not there (yet)."""
    try:
        loaded = __import__(module, fromlist=[name])
    except ImportError as error:
        raise NotAvailableError(f"{module} not importable: {error}") from error
    try:
        return getattr(loaded, name)
    except AttributeError as error:
        raise NotAvailableError(f"{module}.{name} missing") from error


def read(path: Path) -> Any:
    """Read a registry folder into the model."""
    return _import("secid_rdf.read.registry", "read_registry")(path)


def convert(registry: Any) -> Any:
    """Convert the model into a :class:`Conversion`."""
    return _import("secid_rdf.convert.builder", "registry_to_graph")(registry)


def triple_count(conversion: Any) -> int:
    """How many quads the conversion holds."""
    return len(conversion.quads)


def formats() -> tuple[str, ...]:
    """The serialisation formats secid-rdf offers."""
    return tuple(sorted(_import("secid_rdf.formats.serialize", "FORMATS")))


def serialize(conversion: Any, fmt: str) -> bytes:
    """Serialise the whole conversion in one format."""
    base = _import("secid_rdf.iris", "DEFAULT_BASE")
    return _import("secid_rdf.formats.serialize", "serialize")(conversion.quads, fmt, base=base)


def validate(path: Path) -> Any:
    """``secid-rdf validate``: read, convert and check against the shipped shapes."""
    return _import("secid_rdf.validate.shacl", "validate_registry")(path)


def export(path: Path, out: Path, *, include_pages: bool) -> Any:
    """The whole export of a registry folder into ``out`` (with or without the pages)."""
    options = _import("secid_rdf.export.run", "ExportOptions")(include_pages=include_pages)
    export_registry = _import("secid_rdf.export.run", "export_registry")
    return export_registry(path, out, options, show_progress=False)


def rdflib_graph(conversion: Any) -> Any:
    """An rdflib graph of the same triples (graph names dropped: Turtle has none)."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=serialize(conversion, "ntriples"), format="nt")
    return graph


def rdflib_serialize(graph: Any, fmt: str) -> bytes:
    """Serialise with rdflib alone: the reference the export is compared with."""
    return graph.serialize(format=fmt, encoding="utf-8")


# --- workers (run in subprocesses) ------------------------------------------------------


def _stage(
    results: list[Measurement], name: str, label: str, runs: int, probes: Probes,
    action: Callable[[], Any], triples: int | None = None,
) -> Any:
    """Measure one stage; record n/a or the error instead of stopping the run."""
    record = Measurement(label, name, triples=triples)
    results.append(record)
    try:
        return _timed(record, runs, action, probes)
    except NotAvailableError as error:
        record.note = f"n/a ({error})"
    except Exception as error:  # a failing stage must not hide the others
        record.seconds.clear()
        record.note = f"failed: {type(error).__name__}: {error}"[:200]
    return None


def pipeline_worker(
    path: Path, label: str, runs: int, probes: Probes, *, rdflib_limit: int, skip: set[str]
) -> list[Measurement]:
    """Read, convert, serialise each format, rdflib's writers, validate: one process."""
    results: list[Measurement] = []
    registry = _stage(results, "read", label, runs, probes, lambda: read(path))
    if registry is None:
        return results
    conversion = _stage(results, "convert", label, runs, probes, lambda: convert(registry))
    if conversion is None:
        return results
    count = triple_count(conversion)
    for record in results:
        record.triples = count
    try:
        names = formats()
    except NotAvailableError as error:
        results.append(Measurement(label, "serialize", note=f"n/a ({error})"))
        names = ()
    for fmt in names:
        if f"serialize:{fmt}" not in skip:
            _stage(results, f"serialize:{fmt}", label, runs, probes,
                   lambda fmt=fmt: serialize(conversion, fmt), count)
    if "rdflib" not in skip and count <= rdflib_limit:
        graph = _stage(results, "rdflib:parse", label, 1, Probes(),
                       lambda: rdflib_graph(conversion), count)
        for fmt in RDFLIB_FORMATS if graph is not None else ():
            _stage(results, f"rdflib:{fmt}", label, runs, Probes(),
                   lambda fmt=fmt: rdflib_serialize(graph, fmt), count)
        graph = None
    elif "rdflib" not in skip:
        results.append(Measurement(label, "rdflib", note=f"skipped: over {rdflib_limit} triples"))
    if "validate" not in skip:
        _stage(results, "validate", label, runs, probes, lambda: validate(path), count)
    return results


EXPORT_STAGES = {"export": True, "export:no-pages": False}
"""Export stages and whether they write the namespace pages (one file pair per namespace)."""


def export_worker(
    path: Path, label: str, runs: int, probes: Probes, stage: str, scratch: Path, settle: float
) -> list[Measurement]:
    """The whole export into a new folder per run, alone in its process.

    The folders are made in ``scratch`` and kept until the whole benchmark ends: on a
    file system without a journal, ext4 passes over every inode freed in the last minutes
    each time it makes a file, so removing one run's files slows the next run's pages.
    For the same reason the runs wait (at most ``settle`` seconds) until making a file
    costs what it does on a quiet disk; the note says what a file cost and how long that
    took.
    """
    results: list[Measurement] = []
    folders = (Path(tempfile.mkdtemp(prefix=f"{label}-", dir=scratch)) for _ in itertools.count())
    file_cost, waited = settled_file_cost(folders, settle)
    exported = _stage(results, stage, label, runs, probes,
                      lambda: export(path, next(folders), include_pages=EXPORT_STAGES[stage]))
    results[0].triples = getattr(exported, "triples", None)
    settled = f" after {waited:.0f} s" if waited else ""
    results[0].note = results[0].note or f"new file: {file_cost:.0f} us{settled}"
    return results


QUIET_FILE_US = 80.0
"""Microseconds per new file below which the disk counts as quiet (about 25 on the
benchmark VM; 250 to 800 in the minutes after thousands of files were removed)."""


def settled_file_cost(folders: Iterator[Path], limit: float) -> tuple[float, float]:
    """Wait, at most ``limit`` seconds, until making a file costs what it does on a quiet disk.

    ``os.sync`` first: the kernel skips inodes freed in the last minute, or in the last six
    while their inode table is not yet written back.

    :returns: the cost of a new file at the end (microseconds) and the seconds waited.
    """
    waited = 0.0
    cost = new_file_microseconds(next(folders))
    while cost > QUIET_FILE_US and waited < limit:
        os.sync()
        time.sleep(15)
        waited += 15
        cost = new_file_microseconds(next(folders))
    return cost, waited


def new_file_microseconds(folder: Path, count: int = 200) -> float:
    """What making one small file in ``folder`` costs now, in microseconds (files kept)."""
    start = time.perf_counter()
    for index in range(count):
        with open(folder / f"probe-{index}", "xb") as handle:
            handle.write(b"x" * 4096)
    return (time.perf_counter() - start) / count * 1e6


def _run_worker(kind: str, path: Path, label: str, args: argparse.Namespace) -> list[Measurement]:
    """Run a worker in a fresh interpreter and collect its measurements."""
    command = [
        sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--path", str(path),
        "--label", label, "--runs", str(args.runs), "--rdflib-limit", str(args.rdflib_limit),
    ]
    command += ["--tracemalloc"] if args.tracemalloc else []
    command += ["--profile", str(args.profile.resolve())] if args.profile else []
    command += [f"--skip={name}" for name in args.skip]
    command += ["--scratch", str(args.scratch.resolve())] if args.scratch else []
    command += ["--settle", str(args.settle)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return [Measurement(label, kind, note=f"worker failed: {tail[0]}"[:200])]
    return [Measurement(**item) for item in json.loads(done.stdout)]


# --- inputs and the report ---------------------------------------------------------------


def _inputs(args: argparse.Namespace, work: Path) -> Iterator[tuple[str, Path, Measurement | None]]:
    """Each input's label, folder, and (for synthetic ones) the generation measurement."""
    for name in args.corpus:
        yield name, CORPORA[name], None
    for size in args.synthetic:
        from secid_rdf.testing.synthetic import write_synthetic_registry

        label = f"synthetic-{size}"
        dest = work / label
        record = Measurement(label, "generate")
        gc.collect()
        start = time.perf_counter()
        write_synthetic_registry(dest, size, seed=args.seed)
        record.seconds.append(time.perf_counter() - start)
        yield label, dest, record  # removed at the end with ``work``: see export_worker


def measure_input(label: str, path: Path, args: argparse.Namespace) -> list[Measurement]:
    """All stages of one input: the pipeline worker, then the export worker."""
    results = []
    if "pipeline" not in args.skip:
        results += _run_worker("pipeline", path, label, args)
    for stage in EXPORT_STAGES:
        if stage not in args.skip:
            results += _run_worker(stage, path, label, args)
    if "resolve" not in args.skip:
        results += process_measurements(label, "resolve_timings", "resolve_stages", path, args.runs)
    if "validate-cli" not in args.skip:
        results += process_measurements(
            label, "validate_timings", "validate_stages", path, args.runs
        )
    return results


def process_measurements(
    label: str, module: str, stages: str, path: Path, runs: int
) -> list[Measurement]:
    """Timings of a command run as a new process each time (``<module>.<stages>``).

    The note gives the median CPU time, and the load average once the stage is done: on
    a busy machine a process waits for a core, and its wall time exceeds its CPU time.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    measured = _import(module, stages)(path, runs)
    results = []
    for stage, timings in measured.items():
        cpu = statistics.median(c for _, c in timings)
        note = f"cpu {cpu:.3f} s, load {os.getloadavg()[0]:.1f}"
        walls, cpus = [w for w, _ in timings], [c for _, c in timings]
        results.append(Measurement(label, stage, walls, cpu_seconds=cpus, note=note))
    return results


VALIDATE_TARGETS = {"validate:full": 3.0, "validate:files:cached": 0.5}
"""Wall-time targets of validate in seconds (issue 16: the larger corpus, 2 cores)."""


def resolve_target_line(stage: str, wall: float, cpu: float) -> str | None:
    """A resolve stage beside its target (``resolve_timings.TARGETS``), or ``None``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    return _import("resolve_timings", "target_line")(stage, wall, cpu)


def _fmt(value: float | None, pattern: str) -> str:
    """A number for the table, or n/a."""
    return "n/a" if value is None else format(value, pattern)


def ratio(results: list[Measurement], label: str, stage: str = "export") -> float | None:
    """Median export time divided by rdflib's Turtle + JSON-LD time, for one input."""
    by_stage = {m.stage: m.median for m in results if m.input == label}
    parts = [by_stage.get(f"rdflib:{fmt}") for fmt in RDFLIB_FORMATS]
    export_time = by_stage.get(stage)
    if export_time is None or any(p is None for p in parts):
        return None
    return export_time / sum(p for p in parts if p is not None)


def render_table(results: list[Measurement]) -> str:
    """The human table: one row per input and stage, then the ratio per input."""
    header = ("input", "stage", "median s", "cpu s", "runs", "triples", "triples/s", "peak RSS MB",
              "peak tree MB", "py peak MB", "note")
    rows = [header]
    for m in results:
        rows.append((
            m.input, m.stage, _fmt(m.median, ".3f"), _fmt(m.median_cpu, ".3f"), str(len(m.seconds)),
            _fmt(m.triples, "d") if m.triples else "n/a", _fmt(m.triples_per_second, ",.0f"),
            _fmt(m.peak_rss_mb, ".0f"), _fmt(m.peak_tree_mb, ".0f"), _fmt(m.py_peak_mb, ".0f"),
            m.note,
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    for label in dict.fromkeys(m.input for m in results):
        value = ratio(results, label)
        text = "n/a (export or rdflib not measured)" if value is None else f"{value:.3f}"
        lines.append(f"{label}: export / rdflib(turtle + json-ld) = {text}  (target <= 0.25)")
        dumps_only = ratio(results, label, "export:no-pages")
        if dumps_only is not None:
            lines.append(f"{label}: export:no-pages / rdflib(turtle + json-ld) = {dumps_only:.3f}")
        for m in results:
            if m.input == label and m.stage in VALIDATE_TARGETS and m.median is not None:
                target = VALIDATE_TARGETS[m.stage]
                lines.append(f"{label}: {m.stage} = {m.median:.3f} s wall ({m.note})  "
                             f"(target <= {target} s)")
            elif m.input == label and m.median is not None and m.median_cpu is not None:
                line = resolve_target_line(m.stage, m.median, m.median_cpu)
                lines += [f"{label}: {line}"] if line is not None else []
    return "\n".join(line.rstrip() for line in lines)


def _parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Time secid-rdf stage by stage; prints a table and export/rdflib ratios.",
        epilog="Example: python benchmarks/run.py --synthetic 1000 --synthetic 10000 --runs 3",
    )
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA),
                        help="real registry to measure (repeat; default: both)")
    parser.add_argument("--synthetic", action="append", type=int, default=[], metavar="N",
                        help="also measure a synthetic registry of N namespaces (repeat)")
    parser.add_argument("--no-corpora", action="store_true", help="measure synthetic inputs only")
    parser.add_argument("--runs", type=int, default=3, help="runs per stage (median reported)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic registries")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="one extra traced run per stage for the Python allocation peak")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="one extra run per stage under cProfile, saved as "
                             "DIR/<input>-<stage>.prof (read with python -m pstats)")
    parser.add_argument("--rdflib-limit", type=int, default=2_000_000, metavar="TRIPLES",
                        help="skip rdflib's writers above this many triples (its Turtle "
                             "writer grows faster than linearly)")
    parser.add_argument("--skip", action="append", default=[], metavar="STAGE",
                        help="skip a stage: validate, export, export:no-pages, rdflib, "
                             "serialize:FMT, pipeline, resolve, validate-cli")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write results as JSON")
    parser.add_argument("--workdir", type=Path, help="where synthetic registries are written")
    parser.add_argument("--export-dir", type=Path, metavar="DIR",
                        help="where the export stages write (default: the temporary folder); "
                             "a RAM disk such as /dev/shm leaves out the disk's cost of "
                             "creating files")
    parser.add_argument("--settle", type=float, default=400, metavar="SECONDS",
                        help="before the export stages, wait at most this long for the disk "
                             "to make files at its quiet speed (default 400; 0: measure it as "
                             "it is)")
    parser.add_argument("--worker", choices=("pipeline", *EXPORT_STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--label", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Measure every requested input and print the table (and JSON when asked)."""
    args = _parser().parse_args(argv)
    results: list[Measurement] = []
    if args.worker:
        probes = Probes(traced=args.tracemalloc, profile_dir=args.profile)
        if args.worker == "pipeline":
            results = pipeline_worker(args.path, args.label, args.runs, probes,
                                      rdflib_limit=args.rdflib_limit, skip=set(args.skip))
        else:
            results = export_worker(
                args.path, args.label, args.runs, probes, args.worker, args.scratch, args.settle
            )
        sys.stdout.write(json.dumps([asdict(m) for m in results]))
        return 0
    args.corpus = [] if args.no_corpora else (args.corpus or sorted(CORPORA))
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="secid-bench-"))
    # every export folder stays until the end: see export_worker
    args.scratch = Path(tempfile.mkdtemp(prefix="secid-bench-export-", dir=args.export_dir))
    try:
        for label, path, generated in _inputs(args, work):
            sys.stderr.write(f"measuring {label} ({path})\n")
            results += [generated] if generated else []
            results += measure_input(label, path, args)
    finally:
        shutil.rmtree(args.scratch, ignore_errors=True)
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    sys.stdout.write(render_table(results) + "\n")
    if args.json:
        payload = [dict(asdict(m), median=m.median, median_cpu=m.median_cpu) for m in results]
        labels = dict.fromkeys(m.input for m in results)
        ratios = {label: ratio(results, label) for label in labels}
        dumps_only = {label: ratio(results, label, "export:no-pages") for label in labels}
        args.json.write_text(json.dumps(
            {"results": payload, "ratios": ratios, "ratios_no_pages": dumps_only}, indent=2
        ) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
