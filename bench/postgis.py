"""The baseline a user might pick instead: PostgreSQL + PostGIS, answering the same cases.

A private cluster (``initdb`` + ``pg_ctl``, run as the ``postgres`` user when we are root) in a
temporary directory, reached over its Unix socket (the fastest way in). One table of directory
sites, the same read model the search index holds: a ``geography(Point)`` column with a GiST
index, the admitted target groups and languages as ``text[]``, flags, radii, and the document's
text tokens (``text_rule.tokens``) for the free-text rule.

The query applies the same rules E1-E5:

* candidates: ``ST_DWithin(geog, place, R)`` with R the largest radius that can fit (the largest
  catchment, or outreach radius when outreach is asked, or the case's maximum distance): the
  index condition; then ``ST_DWithin`` with each site's own catchment radius (and outreach
  radius, and maximum distance): a per-row radius cannot drive a GiST scan by itself;
* ``target_groups @> wanted``, ``languages @> wanted``, flags;
* the free-text rule of ``eligibility`` (prefix, edit distance 1 with swaps for terms of 5+
  letters) as SQL functions over the token array; query terms are folded and stemmed in Python
  by ``text_rule.query_terms``, as any client would prepare them;
* order by distance (on the sphere, like ``registry.distance``), then provider name, then id;
  ``count(*) OVER ()`` gives the total; one page of 20 rows.

Requires the Debian package ``postgresql-15-postgis-3`` and ``psycopg`` (bench-only).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.directory.eligibility import Case
from registry.directory.text_rule import query_terms, tokens
from registry.search.documents import SiteDocument

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE site (
    id text PRIMARY KEY,
    provider_id text NOT NULL,
    provider_name text NOT NULL,
    provider_email text,
    provider_phone text,
    provider_website text,
    site_name text NOT NULL,
    street text NOT NULL,
    postal_code text NOT NULL,
    place text NOT NULL,
    geog geography(Point, 4326) NOT NULL,
    catchment_km double precision NOT NULL,
    outreach_km double precision NOT NULL,
    active boolean NOT NULL,
    barrier_free boolean NOT NULL,
    public_transport boolean NOT NULL,
    languages text[] NOT NULL,
    target_groups text[] NOT NULL,
    tokens text[] NOT NULL
);

-- Optimal-string-alignment distance of q and p is at most 1 (text_rule._within_one).
CREATE FUNCTION within_one(q text, p text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    lq int := length(q);
    lp int := length(p);
    n int;
    i int := 0;
BEGIN
    IF lq - lp > 1 OR lp - lq > 1 THEN
        RETURN false;
    END IF;
    n := least(lq, lp);
    WHILE i < n AND substr(q, i + 1, 1) = substr(p, i + 1, 1) LOOP
        i := i + 1;
    END LOOP;
    IF i = n THEN
        RETURN true;
    END IF;
    IF lq = lp THEN
        IF substr(q, i + 2) = substr(p, i + 2) THEN
            RETURN true;
        END IF;
        RETURN i + 1 < lq
            AND substr(q, i + 1, 1) = substr(p, i + 2, 1)
            AND substr(q, i + 2, 1) = substr(p, i + 1, 1)
            AND substr(q, i + 3) = substr(p, i + 3);
    END IF;
    IF lq > lp THEN
        RETURN substr(q, i + 2) = substr(p, i + 1);
    END IF;
    RETURN substr(q, i + 1) = substr(p, i + 2);
END
$$;

-- TEXT_RULE step 4: some token has a prefix within the term's edit distance. Its cost is set
-- above ST_DWithin's so that the planner tests it last, on the rows within the radius.
CREATE FUNCTION term_matches(toks text[], term text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 20000 AS $$
    SELECT EXISTS (
        SELECT 1 FROM unnest(toks) AS t
        WHERE left(t, length(term)) = term
           OR (length(term) >= 5 AND (
                  (length(t) >= length(term) - 1 AND within_one(term, left(t, length(term) - 1)))
               OR (length(t) >= length(term) AND within_one(term, left(t, length(term))))
               OR (length(t) >= length(term) + 1 AND within_one(term, left(t, length(term) + 1)))
           ))
    )
$$;
"""

INDEXES = """
CREATE INDEX site_geog ON site USING gist (geog);
ANALYZE site;
"""

COLUMNS = (
    "id, provider_id, provider_name, provider_email, provider_phone, provider_website, "
    "site_name, street, postal_code, place, geog, catchment_km, outreach_km, active, "
    "barrier_free, public_transport, languages, target_groups, tokens"
)

PAGE_SIZE = 20


class PostgisUnavailable(RuntimeError):
    """PostgreSQL, PostGIS or psycopg is missing: the baseline is skipped, saying why."""


def _bindir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgisUnavailable("initdb nicht gefunden: apt-get install -y postgresql-15-postgis-3")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Cluster:
    """A throwaway PostgreSQL cluster; `start()` returns the connection string."""

    def __init__(self) -> None:
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._user: str | None = None
        if os.geteuid() == 0:
            try:
                entry = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgisUnavailable("Benutzer postgres fehlt") from exc
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self._user = "postgres"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._user:
            cmd = ["runuser", "-u", self._user, "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise PostgisUnavailable(f"{' '.join(args[:2])}: {result.stderr.strip()[-500:]}")

    def start(self) -> str:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--locale=C", "-E", "UTF8",
        )  # fmt: skip
        options = " ".join(
            (
                f"-p {self.port}",
                f"-k {self.root}",
                "-c listen_addresses=''",
                "-c shared_buffers=256MB",
                "-c fsync=off",  # load speed only: queries read, they never wait on a flush
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                # short OLTP queries on 2 shared cores: JIT compilation (triggered by the
                # text function's high cost) and parallel workers only add latency
                "-c jit=off",
                "-c max_parallel_workers_per_gather=0",
            )
        )
        self._run(
            "pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options,
        )  # fmt: skip
        return f"host={self.root} port={self.port} user=postgres dbname=postgres"

    def stop(self) -> None:
        with contextlib.suppress(PostgisUnavailable):
            self._run("pg_ctl", "stop", "-m", "fast", "-w", "-D", str(self.data))
        shutil.rmtree(self.root, ignore_errors=True)


def _row(doc: SiteDocument) -> tuple[Any, ...]:
    return (
        doc.id,
        doc.provider_id,
        doc.provider_name,
        doc.provider_email,
        doc.provider_phone,
        doc.provider_website,
        doc.site_name,
        doc.address.street,
        doc.address.postal_code,
        doc.address.place,
        f"SRID=4326;POINT({doc.lon!r} {doc.lat!r})",
        doc.catchment_radius_km,
        doc.outreach_radius_km or 0.0,
        doc.provider_active and doc.site_active,
        doc.barrier_free,
        doc.public_transport,
        sorted({lang.casefold() for lang in doc.languages}),
        list(doc.target_groups),
        list(dict.fromkeys(tokens(doc.search_text))),
    )


@dataclass
class Answer:
    total: int
    ids: list[str]


class Baseline:
    """The PostGIS directory: load documents, answer cases."""

    def __init__(self, conninfo: str) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise PostgisUnavailable(
                "psycopg fehlt: .venv/bin/pip install 'psycopg[binary]'"
            ) from exc
        self.version = f"psycopg {psycopg.__version__}"
        self.conn = psycopg.connect(conninfo, autocommit=True)
        with self.conn.cursor() as cur:
            cur.execute("SELECT version()")
            row = cur.fetchone()
            self.server = str(row[0]).split(" on ")[0] if row else "?"
        self.max_catchment = 0.0
        self.max_outreach = 0.0

    def create(self) -> None:
        with self.conn.cursor() as cur:
            cur.execute(SCHEMA)
            cur.execute("SELECT postgis_lib_version()")
            row = cur.fetchone()
            self.postgis = f"PostGIS {row[0]}" if row else "PostGIS ?"

    def load(self, docs: Iterable[SiteDocument], *, index: bool = True) -> int:
        """Insert documents (COPY); build the GiST index and statistics the first time."""
        written = 0
        with self.conn.cursor() as cur:
            with cur.copy(f"COPY site ({COLUMNS}) FROM STDIN") as copy:
                for doc in docs:
                    if not doc.has_admission:
                        continue
                    copy.write_row(_row(doc))
                    written += 1
            if index:
                cur.execute(INDEXES)
            else:
                cur.execute("ANALYZE site")
            cur.execute("SELECT max(catchment_km), max(outreach_km) FROM site")
            row = cur.fetchone()
            if row:
                self.max_catchment = float(row[0] or 0.0)
                self.max_outreach = float(row[1] or 0.0)
        return written

    def sql(self, case: Case, limit: int = PAGE_SIZE) -> tuple[str, dict[str, Any]]:
        """The query for one case: constant fragments, values only as parameters."""
        radius = self.max_catchment
        if case.outreach:
            radius = min(radius, self.max_outreach)
        if case.max_distance_km is not None:
            radius = min(radius, case.max_distance_km)
        params: dict[str, Any] = {
            "lat": case.lat,
            "lon": case.lon,
            "radius_m": radius * 1000.0,
            "groups": list(case.target_groups),
            "limit": limit,
        }
        where = [
            "ST_DWithin(s.geog, q.pt, %(radius_m)s, false)",
            "ST_DWithin(s.geog, q.pt, s.catchment_km * 1000.0, false)",
            "s.active",
            "s.target_groups @> %(groups)s::text[]",
        ]
        if case.languages:
            where.append("s.languages @> %(languages)s::text[]")
            params["languages"] = sorted({lang.casefold() for lang in case.languages})
        if case.barrier_free:
            where.append("s.barrier_free")
        if case.public_transport:
            where.append("s.public_transport")
        if case.outreach:
            where.append("s.outreach_km > 0")
            where.append("ST_DWithin(s.geog, q.pt, s.outreach_km * 1000.0, false)")
        if case.max_distance_km is not None:
            where.append("ST_DWithin(s.geog, q.pt, %(max_m)s, false)")
            params["max_m"] = case.max_distance_km * 1000.0
        for n, (_word, term) in enumerate(query_terms(case.text)):
            where.append(f"term_matches(s.tokens, %(term{n})s)")
            params[f"term{n}"] = term
        text = (
            "WITH q AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS pt)"
            " SELECT s.id, s.provider_id, s.provider_name, s.provider_email, s.provider_phone,"
            " s.provider_website, s.site_name, s.street, s.postal_code, s.place, s.languages,"
            " s.barrier_free, s.public_transport, s.target_groups,"
            " ST_Distance(s.geog, q.pt, false) / 1000.0 AS distance_km,"
            " count(*) OVER () AS total"
            " FROM site s, q WHERE " + " AND ".join(where) + " ORDER BY distance_km,"
            " lower(s.provider_name), s.provider_name, s.id LIMIT %(limit)s"
        )
        return text, params

    def search(self, case: Case, limit: int = PAGE_SIZE) -> Answer:
        text, params = self.sql(case, limit)
        with self.conn.cursor() as cur:
            cur.execute(text, params)  # constant fragments, values as parameters
            rows = cur.fetchall()
        total = int(rows[0][-1]) if rows else 0
        return Answer(total, [str(r[0]) for r in rows])

    def explain(self, case: Case) -> str:
        text, params = self.sql(case)
        with self.conn.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + text, params)
            return "\n".join(str(r[0]) for r in cur.fetchall())

    def close(self) -> None:
        self.conn.close()


@contextlib.contextmanager
def running_baseline() -> Iterator[Baseline]:
    """A started cluster with the schema; stopped and removed afterwards."""
    cluster = Cluster()
    try:
        conninfo = cluster.start()
        deadline = time.monotonic() + 10
        while True:
            try:
                baseline = Baseline(conninfo)
                break
            except PostgisUnavailable:
                raise
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            baseline.create()
            yield baseline
        finally:
            baseline.close()
    finally:
        cluster.stop()
