"""Concurrency, full length (issue 9, item 5), on demand.

    .venv/bin/python -m bench.concurrency [--seconds 60] [--clients 16] [--seed 1] [--keep DIR]

Starts the real server with a fresh data directory and runs 16 concurrent clients for a minute:
submitters, deciders racing three to one application (rule A11), pairs racing on one site's
admission (A9), two follow-on admitters racing on the same tasks (A7), searchers. Then checks:
no 5xx, no lost update (one 200 per decision, the rest 409, the winner's decision stored, site
races end in a serial outcome, versions monotonic per client), `registry check` passes and the
directory search totals equal the admitted sites. Exit code 0 when all of that holds. The short
version runs in the test suite (tests/resilience/test_concurrency.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from tests.resilience.concurrent_load import run_concurrency


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.concurrency", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="data directory to keep")
    args = parser.parse_args(argv)

    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="registry-concurrency-"))
    try:
        stats = run_concurrency(
            data_dir, seconds=args.seconds, clients=args.clients, seed=args.seed
        )
    finally:
        if args.keep is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(stats.summary())
    print(f"search totals {stats.search_found} (expected {stats.search_expected})")
    print(f"registry check: {stats.check_output}")
    for title, items in (
        ("5XX", stats.server_errors),
        ("LOST UPDATE", stats.lost_updates),
        ("VERSION", stats.version_regressions),
        ("UNEXPECTED", stats.unexpected),
        ("TRANSPORT", stats.transport_errors),
        ("FAILURE", stats.other_failures),
    ):
        for item in items[:50]:
            print(f"{title}: {item}")
    return 0 if stats.ok else 1


if __name__ == "__main__":
    sys.exit(main())
