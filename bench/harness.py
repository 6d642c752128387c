"""What every benchmark here shares: alternating timed runs, medians, JSON-lines output."""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `import asmgeo` from anywhere

Variant = Callable[[int, Path], "int | None"]  # (n, empty work dir) -> output bytes or None


def emit(record: dict) -> None:
    """One JSON object per line on stdout, flushed at once (long runs show progress)."""
    print(json.dumps(record), flush=True)


def note(name: str, text: str) -> None:
    """Human remarks go to stderr, so stdout stays pure JSON lines."""
    print(f"[{name}] {text}", file=sys.stderr, flush=True)


def timed(variant: Variant, n: int, prefix: str) -> tuple[float, int | None]:
    """Run one repeat in a fresh temp dir (removed afterwards): (seconds, bytes)."""
    folder = Path(tempfile.mkdtemp(prefix=f"asmgeo-bench-{prefix}-"))
    try:
        started = time.perf_counter()
        size = variant(n, folder)
        return time.perf_counter() - started, size
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def compare(name: str, variants: dict[str, Variant], sizes: list[int], repeat: int,
            skip: Callable[[str, int], bool] = lambda variant, n: False) -> dict[tuple[int, str], float]:
    """Time every variant at every size, alternating them per repeat; print medians, then ratios.

    The ratio line is ``baseline seconds / asmgeo seconds`` for each baseline that ran (> 1: asmgeo
    is faster). Returns the medians by (n, variant).
    """
    medians: dict[tuple[int, str], float] = {}
    for n in sizes:
        chosen = [v for v in variants if not skip(v, n)]
        for skipped in sorted(set(variants) - set(chosen)):
            note(name, f"n={n}: {skipped} skipped; no ratio")
        runs: dict[str, list[tuple[float, int | None]]] = {v: [] for v in chosen}
        for _ in range(repeat):
            for variant in chosen:  # alternate, so machine noise hits every variant alike
                runs[variant].append(timed(variants[variant], n, name))
        for variant in chosen:
            medians[n, variant] = statistics.median(s for s, _ in runs[variant])
            emit({"name": name, "n": n, "variant": variant, "seconds": round(medians[n, variant], 4),
                  "bytes": runs[variant][-1][1]})
    for n in sizes:
        for variant in variants:
            if variant != "asmgeo" and (n, variant) in medians and medians.get((n, "asmgeo"), 0) > 0:
                emit({"name": name, "n": n, "baseline": variant,
                      "ratio": round(medians[n, variant] / medians[n, "asmgeo"], 2)})
    return medians


def file_bytes(path: Path) -> int:
    """Size of a file, counting a SQLite write-ahead log left beside it."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
