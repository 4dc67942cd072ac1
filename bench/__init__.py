"""Benchmarks and long-running checks, run on demand (never part of the test suite).

* ``python -m bench.search``: the directory search benchmark (issue 6), see docs/performance.md.
* ``python -m bench.crash``: crash safety, full length (issue 9).
"""
