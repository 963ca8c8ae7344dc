"""Time the site-wide pages (home, search index, type pages) for a synthetic registry.

The pages are written from the namespace summaries alone, so the registry is neither
written nor converted: the summaries come straight from the synthetic plan. CPU time is
this process's, taken around the writing only. Run alone::

    .venv/bin/python benchmarks/site_timings.py 100000 --out /dev/shm/site
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
import time
from pathlib import Path

from secid_rdf.formats.dataset import DatasetInfo, DatasetStats, Distribution, describe_dataset
from secid_rdf.formats.serialize import FORMATS
from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.site.site_pages import write_site_pages
from secid_rdf.testing.synthetic_summaries import synthetic_summaries

__all__ = ["site_stage"]


def site_stage(n_namespaces: int, out_dir: Path, *, seed: int = 0) -> dict[str, float]:
    """Write the site-wide pages of ``n_namespaces`` synthetic namespaces into ``out_dir``.

    :returns: namespaces, sources, files, wall and CPU seconds, the sizes of ``search.js``
        (raw and gzipped) and of the largest page, in bytes.
    """
    summaries = synthetic_summaries(n_namespaces, seed=seed)
    info = DatasetInfo(base=DEFAULT_BASE, dump_base=DEFAULT_BASE + "_dump/", version="0")
    dumps = [Distribution(fmt, 0) for fmt in FORMATS.values()]
    void_graph = describe_dataset(DatasetStats(DEFAULT_BASE), dumps, info)
    wall, cpu = time.perf_counter(), time.process_time()
    names = write_site_pages(out_dir, summaries, base=DEFAULT_BASE, void_graph=void_graph)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    script = (out_dir / "search.js").read_bytes()
    return {
        "namespaces": len(summaries),
        "sources": sum(len(summary.sources) for summary in summaries),
        "files": len(names),
        "wall": wall,
        "cpu": cpu,
        "search.js": len(script),
        "search.js.gz": len(gzip.compress(script, 6)),
        "largest page": max((out_dir / n).stat().st_size for n in names if n.endswith(".html")),
    }


def main() -> None:
    """Print the figures of one run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("namespaces", type=int)
    parser.add_argument("--out", type=Path, help="where to write (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="secid-site-"))
    try:
        for key, value in site_stage(args.namespaces, out, seed=args.seed).items():
            shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
            sys.stdout.write(f"{key:>14}: {shown}\n")
    finally:
        if args.out is None:
            shutil.rmtree(out)


if __name__ == "__main__":
    main()
