"""The graph model replayed from embedded DDL (registry.graph.lint), checked against ladybug itself."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from registry.graph.lint import (
    GraphModel,
    RelTable,
    SchemaError,
    check_neo4j_schema,
    embedded_model,
    model_from_statements,
)
from registry.graph.schema import migrations

BASE = [
    "CREATE NODE TABLE IF NOT EXISTS Provider(id STRING, name STRING, PRIMARY KEY(id))",
    "CREATE NODE TABLE Site(id STRING PRIMARY KEY, provider_id STRING, languages STRING[],"
    " lat DOUBLE DEFAULT 0.0)",
    "CREATE NODE TABLE District(key STRING, PRIMARY KEY(key))",
    "CREATE REL TABLE IF NOT EXISTS OPERATES(FROM Provider TO Site, since STRING, ONE_MANY)",
]


def test_node_and_rel_tables_with_their_properties() -> None:
    model = model_from_statements(BASE)
    assert model.labels() == ["District", "Provider", "Site"]
    assert model.nodes["Site"] == {
        "id": "STRING",
        "provider_id": "STRING",
        "languages": "STRING[]",
        "lat": "DOUBLE",
    }
    assert model.relationship_types() == ["OPERATES"]
    assert model.rels["OPERATES"].pairs == [("Provider", "Site")]
    assert model.rels["OPERATES"].properties == {"since": "STRING"}
    assert "since" in model.property_keys()


def test_add_drop_and_rename_apply_in_order() -> None:
    model = model_from_statements(
        [
            *BASE,
            "ALTER TABLE Site ADD IF NOT EXISTS address_key STRING DEFAULT ''",
            "ALTER TABLE Site ADD IF NOT EXISTS address_key STRING DEFAULT ''",  # idempotent
            "ALTER TABLE Site DROP provider_id",
            "ALTER TABLE Site DROP IF EXISTS provider_id",  # gone already: no change
            "ALTER TABLE OPERATES ADD until STRING",
            "ALTER TABLE OPERATES DROP since",
            "ALTER TABLE Site RENAME lat TO latitude",
        ]
    )
    assert list(model.nodes["Site"]) == ["id", "languages", "latitude", "address_key"]
    assert model.rels["OPERATES"].properties == {"until": "STRING"}
    assert "provider_id" not in model.property_keys()
    assert "since" not in model.property_keys()


def test_rel_table_with_several_pairs_typed_properties_and_group() -> None:
    model = model_from_statements(
        [
            *BASE,
            "CREATE REL TABLE LOCATED_IN(FROM Site TO District, FROM Provider TO District,"
            " weight DECIMAL(10, 2), tags MAP(STRING, INT64), MANY_ONE)",
            "CREATE REL TABLE GROUP IF NOT EXISTS NEAR(FROM Site TO Site, FROM Site TO District,"
            " km DOUBLE)",
        ]
    )
    assert model.rels["LOCATED_IN"].pairs == [("Site", "District"), ("Provider", "District")]
    assert model.rels["LOCATED_IN"].properties == {
        "weight": "DECIMAL(10, 2)",
        "tags": "MAP(STRING, INT64)",
    }
    assert model.rels["NEAR"].pairs == [("Site", "Site"), ("Site", "District")]
    schema = model.db_schema()
    assert {"from": "Provider", "to": "District", "relType": "LOCATED_IN"} in schema["graphSchema"]
    assert {"km", "weight", "tags"} <= set(schema["propertyKeys"])


def test_drop_table_and_recreate_with_other_ends() -> None:
    model = model_from_statements(
        [
            *BASE,
            "CREATE REL TABLE HAS_SITE(FROM Provider TO Site)",
            "DROP TABLE IF EXISTS HAS_SITE",
            "DROP TABLE IF EXISTS NO_SUCH_TABLE",
            "CREATE NODE TABLE Partner(id STRING, PRIMARY KEY(id))",
            "CREATE REL TABLE IF NOT EXISTS HAS_SITE(FROM Partner TO District)",
            "CREATE NODE TABLE Contract(id STRING, PRIMARY KEY(id))",
            "DROP TABLE Contract",
        ]
    )
    assert model.rels["HAS_SITE"].pairs == [("Partner", "District")]
    assert "Contract" not in model.labels()


def test_data_statements_and_steps_change_nothing() -> None:
    model = model_from_statements(
        [
            *BASE,
            "MATCH (s:Site) MATCH (p:Provider {id: s.provider_id}) MERGE (p)-[:OPERATES]->(s)",
            "CREATE (n:Provider {id: 'x'})",
            "//! step: merge_duplicate_sites",
        ]
    )
    assert model == model_from_statements(BASE)


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE Nowhere ADD x STRING",
        "ALTER TABLE Site DROP no_such_column",
        "ALTER TABLE Site ADD name STRING, other STRING",
        "ALTER TABLE Site ADD provider_id STRING",
        "ALTER TABLE Site FROBNICATE",
        "CREATE REL TABLE R(FROM Site TO Nowhere)",
        "CREATE REL TABLE R(since STRING)",
        "CREATE NODE TABLE Site(id STRING, PRIMARY KEY(id))",
        "CREATE NODE TABLE Broken(id STRING, PRIMARY KEY(id)",
        "DROP TABLE Nowhere",
        "DROP TABLE Site",  # still joined by OPERATES
    ],
)
def test_statements_the_engine_would_reject_are_reported(statement: str) -> None:
    with pytest.raises(SchemaError):
        model_from_statements([*BASE, statement])


def test_neo4j_constraints_and_indexes_are_checked_against_the_model() -> None:
    model = model_from_statements(BASE)
    findings = check_neo4j_schema(
        model,
        {
            "ok1": "CREATE CONSTRAINT site_id IF NOT EXISTS FOR (n:Site) REQUIRE n.id IS UNIQUE",
            "ok2": "CREATE INDEX x IF NOT EXISTS FOR (n:Site) ON (n.provider_id, n.lat)",
            "ok3": "CREATE INDEX r IF NOT EXISTS FOR ()-[r:OPERATES]-() ON (r.since)",
            "ok4": "CREATE LOOKUP INDEX l IF NOT EXISTS FOR (n) ON EACH labels(n)",
            "ok5": "DROP INDEX gone IF EXISTS",
            "bad_label": "CREATE CONSTRAINT c IF NOT EXISTS FOR (n:Contract) REQUIRE n.id IS UNIQUE",
            "bad_prop": "CREATE INDEX i IF NOT EXISTS FOR (n:Site) ON (n.district_key)",
            "bad_rel": "CREATE INDEX j IF NOT EXISTS FOR ()-[r:OPERATES]->() ON (r.signed_on)",
            "bad_type": "CREATE INDEX k IF NOT EXISTS FOR ()-[r:HAS_SITE]-() ON (r.since)",
            "bad_key": "CREATE CONSTRAINT k IF NOT EXISTS FOR (n:Site) REQUIRE (n.id, n.nope) IS NODE KEY",
        },
    )
    assert sorted((f.source, f.message) for f in findings) == [
        ("bad_key", "property nope is not on label Site"),
        ("bad_label", "label Contract is not in the model"),
        ("bad_prop", "property district_key is not on label Site"),
        ("bad_rel", "property signed_on is not on relationship type OPERATES"),
        ("bad_type", "relationship type HAS_SITE is not in the model"),
    ]
    assert all(f.failing for f in findings)


# --- the replay agrees with ladybug's own catalogue ------------------------------------------


def _ladybug_catalogue(statements: Iterable[str]) -> GraphModel:
    """Run the DDL on an in-memory ladybug database and read back its tables."""
    ladybug = pytest.importorskip("ladybug")
    db = ladybug.Database(":memory:", buffer_pool_size=64 * 1024 * 1024)
    conn = ladybug.Connection(db)

    def rows(cypher: str) -> list[list[object]]:
        result = conn.execute(cypher)
        out = []
        while result.has_next():
            out.append(result.get_next())
        result.close()
        return out

    for statement in statements:
        rows(statement)
    model = GraphModel()
    for row in rows("CALL show_tables() RETURN name, type"):
        name, kind = str(row[0]), str(row[1])
        props = {str(r[1]): str(r[2]) for r in rows(f"CALL table_info('{name}') RETURN *")}
        if kind == "NODE":
            model.nodes[name] = props
        else:
            pairs = rows(f"CALL show_connection('{name}') RETURN *")
            model.rels[name] = RelTable(
                pairs=[(str(p[0]), str(p[1])) for p in pairs], properties=props
            )
    return model


def _comparable(model: GraphModel) -> dict[str, object]:
    return {
        "nodes": {k: sorted(v) for k, v in model.nodes.items()},
        "rels": {k: (sorted(r.pairs), sorted(r.properties)) for k, r in model.rels.items()},
    }


def test_replay_of_a_sample_matches_ladybug() -> None:
    statements = [
        *BASE,
        "CREATE REL TABLE GROUP NEAR(FROM Site TO Site, FROM Site TO District, km DOUBLE)",
        "CREATE REL TABLE LOCATED_IN(FROM Site TO District, FROM Provider TO District,"
        " w DOUBLE DEFAULT 1.0, MANY_ONE)",
        "ALTER TABLE Site ADD IF NOT EXISTS address_key STRING DEFAULT ''",
        "ALTER TABLE Site DROP provider_id",
        "ALTER TABLE LOCATED_IN ADD IF NOT EXISTS since STRING",
        "ALTER TABLE LOCATED_IN DROP w",
        "ALTER TABLE Provider RENAME name TO title",
        "DROP TABLE NEAR",
    ]
    assert _comparable(model_from_statements(statements)) == _comparable(
        _ladybug_catalogue(statements)
    )


def test_replay_of_the_embedded_migrations_matches_ladybug() -> None:
    ddl = [
        s
        for m in migrations("embedded")
        for s in m.statements
        if s.split(None, 1)[0].upper() in {"CREATE", "ALTER", "DROP"} and "(" not in s.split()[1]
    ]
    expected = _comparable(_ladybug_catalogue(ddl))
    assert _comparable(embedded_model()) == expected


def test_the_model_during_a_migration_keeps_what_it_drops_later() -> None:
    from registry.graph.lint import apply_ddl

    model = model_from_statements(BASE)
    for statement in [
        "CREATE NODE TABLE Partner(id STRING, PRIMARY KEY(id))",
        "CREATE REL TABLE IF NOT EXISTS OPERATES(FROM Partner TO Site, until STRING)",
        "ALTER TABLE Site DROP provider_id",
        "DROP TABLE OPERATES",
    ]:
        apply_ddl(model, statement, keep_dropped=True)
    assert "provider_id" in model.nodes["Site"]
    assert model.rels["OPERATES"].pairs == [("Provider", "Site"), ("Partner", "Site")]
    assert model.rels["OPERATES"].properties == {"since": "STRING", "until": "STRING"}


def test_only_constraints_and_indexes_not_dropped_later_must_fit_the_final_model() -> None:
    from registry.graph.lint import surviving_schema

    statements = {
        "schema.neo4j.001_init[1]": "CREATE INDEX site_provider_id IF NOT EXISTS FOR (n:Site)"
        " ON (n.provider_id)",
        "schema.neo4j.001_init[2]": "CREATE INDEX site_name IF NOT EXISTS FOR (n:Site) ON (n.name)",
        "schema.neo4j.006_model[1]": "DROP INDEX site_provider_id IF EXISTS",
    }
    assert list(surviving_schema(statements)) == ["schema.neo4j.001_init[2]"]
