"""Neo4j checked without a server: every query and Neo4j schema statement linted by Neo4j's tools.

Runs ``tools/cypher-lint`` (npm ``@neo4j-cypher/language-support``, installed by ``make test``)
against a dbSchema generated from the embedded DDL. Skipped, with the reason, only when node or
the npm package is missing. The second half proves the check can fail: unknown labels, types,
properties and functions, impossible paths and syntax errors are each reported.
"""

from __future__ import annotations

import pytest

from registry.graph.lint import (
    Finding,
    LintReport,
    lint,
    linter_missing,
    models_during,
    neo4j_schema_findings,
    neo4j_statements,
)
from registry.graph.schema.model import ddl_schema, parse_schema

MISSING = linter_missing()
needs_linter = pytest.mark.skipif(bool(MISSING), reason=f"cypher-lint cannot run: {MISSING}")


def _listing(findings: list[Finding]) -> str:
    return "\n".join(str(f) for f in findings)


@needs_linter
def test_every_query_and_neo4j_schema_statement_lints_clean() -> None:
    report = lint()
    print(report.summary())
    assert report.queries > 0 and report.schema_statements > 0
    assert not report.failures, (
        f"{len(report.failures)} problems in {report.queries} queries and "
        f"{report.schema_statements} Neo4j schema statements:\n{_listing(report.failures)}"
    )


def test_neo4j_schema_names_only_what_the_model_has() -> None:
    statements = neo4j_statements()
    findings = neo4j_schema_findings(ddl_schema(), statements, models_during(statements))
    assert not findings, _listing(findings)


# --- the check can fail ------------------------------------------------------------------------

MODEL = parse_schema(
    [
        "CREATE NODE TABLE Provider(id STRING, legal_form STRING, PRIMARY KEY(id))",
        "CREATE NODE TABLE Site(id STRING, name STRING, languages STRING[], PRIMARY KEY(id))",
        "CREATE NODE TABLE District(key STRING, PRIMARY KEY(key))",
        "CREATE REL TABLE OPERATES(FROM Provider TO Site)",
        "CREATE REL TABLE LOCATED_IN(FROM Site TO District, since STRING)",
        "ALTER TABLE Site ADD IF NOT EXISTS address_key STRING DEFAULT ''",
        "ALTER TABLE Provider DROP legal_form",
    ]
)

CASES = {
    "clean": """
        UNWIND $rows AS r
        MATCH (p:Provider {id: r.provider_id})-[:OPERATES]->(s:Site {id: r.site_id})
        OPTIONAL MATCH (s)-[l:LOCATED_IN]->(d:District)
        WHERE NOT EXISTS { MATCH (s)-[:LOCATED_IN]->(:District {key: $excluded}) }
          AND toLower(coalesce(s.name, '')) STARTS WITH $prefix AND size(s.languages) > 0
          AND COUNT { (p)-[:OPERATES]->(:Site) } >= 1 AND l.since <= toString(date())
        SET s.address_key = r.address_key
        RETURN p.id AS id, collect(DISTINCT d.key) AS districts, count(*) AS n""",
    "write_of_new_property": "MATCH (s:Site {id: $id}) SET s.fresh = $v RETURN s.id",
    "unknown_label": "MATCH (c:Contract {id: $id}) RETURN c.id AS id",
    "unknown_type": "MATCH (p:Provider)-[:HAS_SITE]->(s:Site) RETURN s.id",
    "unknown_property": "MATCH (s:Site) WHERE s.provider_id = $id RETURN s.id",
    # Property keys are one list for all labels (the linter's dbSchema): a dropped property is
    # caught once no table has it any more.
    "dropped_property": "MATCH (p:Provider) RETURN p.legal_form AS legal_form",
    "unknown_rel_property": "MATCH (:Site)-[l:LOCATED_IN]->(:District) RETURN l.until",
    "impossible_path": "MATCH (s:Site)-[:OPERATES]->(p:Provider) RETURN p.id",
    "unknown_function": "MATCH (s:Site) RETURN apoc.text.join(s.languages, ',') AS l",
    "syntax_error": "MATCH (s:Site RETURN s.id",
    "ladybug_only_syntax": "MATCH (s:Site) RETURN list_concat(s.languages, ['x']) AS l",
    "two_statements": "MATCH (s:Site) RETURN s.id; MATCH (p:Provider) RETURN p.id",
    "deprecated_function": "MATCH (s:Site) RETURN id(s) AS internal",
}


@pytest.fixture(scope="module")
def report() -> LintReport:
    if MISSING:
        pytest.skip(f"cypher-lint cannot run: {MISSING}")
    return lint(MODEL, CASES, {})


def _kinds(report: LintReport, source: str) -> set[str]:
    return {f.kind for f in report.findings if f.source == source}


def test_a_clean_query_with_parameters_and_builtins_has_no_findings(report: LintReport) -> None:
    assert not [f for f in report.findings if f.source == "clean"], _listing(report.findings)
    # The package does not check properties the query writes itself (Neo4j creates them).
    assert _kinds(report, "write_of_new_property") == set()


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("unknown_label", "unknown-label"),
        ("unknown_type", "unknown-type"),
        ("unknown_property", "unknown-property"),
        ("dropped_property", "unknown-property"),
        ("unknown_rel_property", "unknown-property"),
        ("impossible_path", "impossible-path"),
        ("unknown_function", "unknown-function"),
        ("syntax_error", "error"),
        ("ladybug_only_syntax", "unknown-function"),
        ("two_statements", "error"),
    ],
)
def test_a_problem_is_reported_and_fails(report: LintReport, source: str, kind: str) -> None:
    found = [f for f in report.findings if f.source == source]
    assert kind in {f.kind for f in found}, _listing(report.findings)
    assert any(f.failing for f in found)


def test_a_deprecation_is_a_warning_only(report: LintReport) -> None:
    found = [f for f in report.findings if f.source == "deprecated_function"]
    assert found and not any(f.failing for f in found), _listing(found)


def test_the_summary_counts_and_names_each_problem(report: LintReport) -> None:
    summary = report.summary()
    assert "unknown labels: 1, relationship types: 1" in summary
    assert "unknown_property:1:" in summary and "provider_id" in summary
    assert summary.rstrip().endswith(f"FAILED: {len(report.failures)} problems")
