"""Resource bounds for adversarial cases: wall time, traced Python memory and peak RSS growth.

``tracemalloc`` counts what Python allocates (bytes, str, lists: what a bomb would inflate);
the growth of the process's peak RSS (``ru_maxrss``) also catches C allocations (lxml, expat),
and is an upper bound on what one case cost, since it only moves when a new peak is reached.
"""

from __future__ import annotations

import resource
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MB = 1_000_000


@dataclass
class Usage:
    seconds: float = 0.0
    traced_mb: float = 0.0
    rss_growth_mb: float = 0.0

    def __str__(self) -> str:
        return (
            f"{self.seconds:.2f} s, {self.traced_mb:.1f} MB traced, "
            f"+{self.rss_growth_mb:.1f} MB peak RSS"
        )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000  # KiB on Linux


@contextmanager
def bounded(*, seconds: float, megabytes: float, trace: bool = True) -> Iterator[Usage]:
    """Run the block, then assert it took at most ``seconds`` and ``megabytes``.

    ``megabytes`` bounds both the traced Python peak and the growth of peak RSS. Pass
    ``trace=False`` for blocks where tracemalloc's own slowdown would dominate (spaCy).
    The bounds are checked only when the block finishes (an exception passes through).
    """
    usage = Usage()
    rss_before = _peak_rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        yield usage
        usage.seconds = time.perf_counter() - started
        if trace:
            usage.traced_mb = tracemalloc.get_traced_memory()[1] / MB
    finally:
        if trace:
            tracemalloc.stop()
    usage.rss_growth_mb = _peak_rss_mb() - rss_before
    print(f"resources: {usage}")
    assert usage.seconds <= seconds, f"took {usage}; the bound is {seconds} s"
    assert usage.traced_mb <= megabytes, f"used {usage}; the bound is {megabytes} MB"
    assert usage.rss_growth_mb <= megabytes, f"used {usage}; the bound is {megabytes} MB"
