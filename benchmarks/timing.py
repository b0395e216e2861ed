"""Shared by the benchmark scripts: how one operation is timed."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn`` in ms, with the garbage collector paused (as :mod:`timeit` does)."""
    samples = []
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        gc.enable()
    return statistics.median(samples)
