"""Crash safety, full length (issue 9, item 4), on demand.

    .venv/bin/python -m bench.crash [--trials 10] [--changes 1000] [--workers 4] [--seed 1]
                                    [--keep DIR]

Starts the real server (`registry init`, `registry user add`, `registry serve`) on a free port
with a fresh data directory, streams admission decisions and agreement changes over HTTP,
SIGKILLs the server at random points, restarts it and verifies after every restart that every
acknowledged change is present, that none is half-applied, that the server drained the outbox
by itself and the directory search agrees with the graph, and that `registry check` passes.
Exit code 0 when all of that holds. The short version runs in the test suite
(tests/resilience/test_crash_safety.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from tests.resilience.crash_stream import run_crash_trials


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.crash", description=__doc__)
    parser.add_argument("--trials", type=int, default=10, help="SIGKILLs (default 10)")
    parser.add_argument("--changes", type=int, default=1000, help="acknowledged changes, at least")
    parser.add_argument("--workers", type=int, default=4, help="concurrent streams")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="data directory to keep")
    args = parser.parse_args(argv)

    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="registry-crash-"))
    try:
        report = run_crash_trials(
            data_dir,
            trials=args.trials,
            min_changes=args.changes,
            workers=args.workers,
            seed=args.seed,
            log=lambda line: print(line, flush=True),
        )
    finally:
        if args.keep is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(report.summary())
    for title, items in (
        ("LOST", report.lost),
        ("HALF-APPLIED", report.half_applied),
        ("UNEXPECTED", report.unexpected),
        ("INDEX", report.index_mismatch),
        ("CHECK", report.check_failures),
    ):
        for item in items:
            print(f"{title}: {item}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
