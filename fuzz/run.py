"""Run one coverage-guided fuzz target with atheris for a bounded time.

Usage::

    .venv/bin/python fuzz/run.py TARGET --seconds 600
    .venv/bin/python fuzz/run.py --list

TARGET is one of text, html, json, feed, segment, pipeline (see ``fuzz/targets.py``). The
seed corpus ``fuzz/corpus/TARGET/`` is read, never written; inputs that find new coverage go
to ``fuzz/.work/TARGET/`` (kept between runs, not committed). A failing or too-slow input is
written to ``fuzz/crashes/TARGET-...``: once the bug is fixed, copy it to
``tests/fuzz/regressions/TARGET/`` so it stays a test. libFuzzer prints ``cov:`` (coverage
edges), ``ft:`` (features) and ``exec/s`` as it goes and a summary at the end.

Needs atheris (``pip install 'sitroom[fuzz]'``); only Sitroom's own modules (and feedparser
for the feed target) are instrumented for coverage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FUZZ_DIR = Path(__file__).resolve().parent
REPO = FUZZ_DIR.parent
DEFAULT_SECONDS = 600
DEFAULT_MAX_LEN = 8_192
PIPELINE_MAX_LEN = 2_048
"""The pipeline costs ~10 ms per 100 words: shorter inputs give more executions."""
DEFAULT_SLOW_SECONDS = 30
"""An input taking longer than this is reported as a hang (libFuzzer -timeout)."""
RSS_LIMIT_MB = 4_096
TARGETS = ("text", "html", "json", "feed", "segment", "pipeline")
"""The names of ``fuzz.targets.TARGET_NAMES``, kept here so --list needs no import."""
INSTRUMENTED = {"feed": ["sitroom", "feedparser"]}


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", help="the target to fuzz (--list shows them)")
    parser.add_argument("--seconds", type=int, default=DEFAULT_SECONDS, help="total run time")
    parser.add_argument("--max-len", type=int, default=None, help="largest input, in bytes")
    parser.add_argument("--timeout", type=int, default=DEFAULT_SLOW_SECONDS, help="hang limit")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    return parser.parse_args(argv)


def libfuzzer_flags(target: str, seconds: int, max_len: int | None, timeout: int) -> list[str]:
    """The libFuzzer command line for one bounded run of ``target``."""
    work = FUZZ_DIR / ".work" / target
    seeds = FUZZ_DIR / "corpus" / target
    crashes = FUZZ_DIR / "crashes"
    work.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(exist_ok=True)
    if max_len is None:
        max_len = PIPELINE_MAX_LEN if target == "pipeline" else DEFAULT_MAX_LEN
    flags = [
        f"-max_total_time={seconds}",
        f"-max_len={max_len}",
        f"-timeout={timeout}",
        f"-rss_limit_mb={RSS_LIMIT_MB}",
        f"-artifact_prefix={crashes}/{target}-",
        "-print_final_stats=1",
    ]
    dictionary = FUZZ_DIR / "dicts" / f"{target}.dict"
    if dictionary.exists():
        flags.append(f"-dict={dictionary}")
    # New coverage goes to the first directory; the seeds are only read.
    return [*flags, str(work), *([str(seeds)] if seeds.is_dir() else [])]


def main(argv: list[str]) -> int:
    options = _arguments(argv)
    sys.path.insert(0, str(REPO))
    if options.list or options.target not in TARGETS:
        print("targets: " + ", ".join(TARGETS))
        return 0 if options.list else 2
    import atheris

    # Everything Sitroom imports inside this block is instrumented for coverage; the targets
    # module imports what they need eagerly, so nothing is imported later uninstrumented.
    with atheris.instrument_imports(include=INSTRUMENTED.get(options.target, ["sitroom"])):
        from fuzz.targets import make_target

        target = make_target(options.target)
    flags = libfuzzer_flags(options.target, options.seconds, options.max_len, options.timeout)
    atheris.Setup([sys.argv[0], *flags], target)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
