"""The graph model read from the embedded DDL (registry.graph.schema.model), the one reader the
backup, the Cypher lint and the structural test share; checked against ladybug's own catalogue."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from registry.graph.lint import check_neo4j_schema, db_schema, surviving_schema
from registry.graph.schema import migrations
from registry.graph.schema.model import (
    RelTable,
    Replay,
    Schema,
    SchemaError,
    ddl_schema,
    parse_schema,
)

BASE = [
    "CREATE NODE TABLE IF NOT EXISTS Provider(id STRING, name STRING, PRIMARY KEY(id))",
    "CREATE NODE TABLE Site(id STRING PRIMARY KEY, provider_id STRING, languages STRING[],"
    " lat DOUBLE DEFAULT 0.0)",
    "CREATE NODE TABLE District(key STRING, PRIMARY KEY(key))",
    "CREATE REL TABLE IF NOT EXISTS OPERATES(FROM Provider TO Site, since STRING, ONE_MANY)",
]


def _pairs(schema: Schema, label: str) -> list[tuple[str, str]]:
    return [(r.source, r.target) for r in schema.rel_labels[label]]


def test_node_and_rel_tables_with_their_properties() -> None:
    schema = parse_schema(BASE)
    assert schema.labels == ["District", "Provider", "Site"]
    site = schema.node("Site")
    assert site is not None and site.key == "id"  # PRIMARY KEY written with the column
    assert site.types == {
        "id": "STRING",
        "provider_id": "STRING",
        "languages": "STRING[]",
        "lat": "DOUBLE",
    }
    assert [(t.label, t.key) for t in schema.nodes] == [
        ("District", "key"),
        ("Provider", "id"),
        ("Site", "id"),
    ]
    assert list(schema.rel_labels) == ["OPERATES"]
    # a table of one pair is named by its label
    assert schema.rels == (
        RelTable("OPERATES", "Provider", "Site", "OPERATES", (("since", "STRING"),)),
    )
    assert "since" in schema.property_keys


def test_add_drop_and_rename_apply_in_order() -> None:
    schema = parse_schema(
        [
            *BASE,
            "ALTER TABLE Site ADD IF NOT EXISTS address_key STRING DEFAULT ''",
            "ALTER TABLE Site ADD IF NOT EXISTS address_key STRING DEFAULT ''",  # idempotent
            "ALTER TABLE Site DROP provider_id",
            "ALTER TABLE Site DROP IF EXISTS provider_id",  # gone already: no change
            "ALTER TABLE OPERATES ADD until STRING",
            "ALTER TABLE OPERATES DROP since",
            "ALTER TABLE Site RENAME lat TO latitude",
            "ALTER TABLE District RENAME key TO code",  # the primary key follows
            "ALTER TABLE Provider RENAME TO Operator",  # and so do the relationships
        ]
    )
    site = schema.node("Site")
    assert site is not None
    assert [c for c, _ in site.columns] == ["id", "languages", "latitude", "address_key"]
    operates = schema.rel("OPERATES")
    assert operates is not None and operates.types == {"until": "STRING"}
    assert (operates.source, operates.target) == ("Operator", "Site")
    district = schema.node("District")
    assert district is not None and district.key == "code"
    assert "Provider" not in schema.labels
    assert "provider_id" not in schema.property_keys
    assert "since" not in schema.property_keys


def test_rel_table_with_several_pairs_typed_properties_and_group() -> None:
    schema = parse_schema(
        [
            *BASE,
            "CREATE REL TABLE LOCATED_IN(FROM Site TO District, FROM Provider TO District,"
            " weight DOUBLE DEFAULT 1.0, tags STRING[] DEFAULT ['a', 'b'], MANY_ONE)",
            "CREATE REL TABLE GROUP IF NOT EXISTS NEAR(FROM Site TO Site, FROM Site TO District,"
            " km DOUBLE)",
        ]
    )
    assert _pairs(schema, "LOCATED_IN") == [("Provider", "District"), ("Site", "District")]
    # a table of several pairs is one table per pair: <label>_<source>, or with the target
    # where a source appears twice (the backup names its queries so)
    assert [r.name for r in schema.rel_labels["LOCATED_IN"]] == [
        "LOCATED_IN_Provider",
        "LOCATED_IN_Site",
    ]
    assert [r.name for r in schema.rel_labels["NEAR"]] == ["NEAR_Site_District", "NEAR_Site_Site"]
    assert all(
        r.types == {"weight": "DOUBLE", "tags": "STRING[]"} for r in schema.rel_labels["LOCATED_IN"]
    )
    linted = db_schema(schema)
    assert linted["relationshipTypes"] == ["LOCATED_IN", "NEAR", "OPERATES"]
    assert {"from": "Provider", "to": "District", "relType": "LOCATED_IN"} in linted["graphSchema"]
    assert {"km", "weight", "tags"} <= set(linted["propertyKeys"])


def test_drop_table_and_recreate_with_other_ends() -> None:
    schema = parse_schema(
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
    assert _pairs(schema, "HAS_SITE") == [("Partner", "District")]
    assert "Contract" not in schema.labels


def test_data_statements_and_steps_change_nothing() -> None:
    schema = parse_schema(
        [
            *BASE,
            "MATCH (s:Site) MATCH (p:Provider {id: s.provider_id}) MERGE (p)-[:OPERATES]->(s)",
            "CREATE (n:Provider {id: 'x'})",
            "MATCH (n:Provider) WHERE n.id = 'x' DETACH DELETE n",
            "//! step: merge_duplicate_sites",
        ]
    )
    assert schema == parse_schema(BASE)


def test_migration_texts_are_split_like_the_runner_splits_them() -> None:
    text = "// a comment\n" + ";\n".join(BASE) + ";\n//! step: merge_duplicate_sites\n"
    assert parse_schema([text]) == parse_schema(BASE)


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE Nowhere ADD x STRING",
        "ALTER TABLE Site DROP no_such_column",
        "ALTER TABLE Site DROP id",  # the primary key
        "ALTER TABLE Site ADD name STRING, other STRING",
        "ALTER TABLE Site ADD provider_id STRING",
        "ALTER TABLE Site FROBNICATE",
        "ALTER TABLE Site ADD FROM Provider TO District",  # a node table joins nothing
        "CREATE REL TABLE R(FROM Site TO Nowhere)",
        "CREATE REL TABLE R(since STRING)",
        "CREATE NODE TABLE Site(id STRING, PRIMARY KEY(id))",
        "CREATE NODE TABLE Broken(id STRING, PRIMARY KEY(id)",
        "CREATE NODE TABLE NoKey(id STRING)",
        "CREATE NODE TABLE `Two words`(id STRING, PRIMARY KEY(id))",
        # only the five types the backup converts: a type with a comma is read whole, then refused
        "CREATE NODE TABLE Money(id STRING, amount DECIMAL(10, 2), PRIMARY KEY(id))",
        "CREATE REL TABLE R(FROM Site TO District, tags MAP(STRING, INT64))",
        "DROP TABLE Nowhere",
        "DROP TABLE Site",  # still joined by OPERATES
        "COPY Site FROM 'sites.csv'",  # neither DDL the reader knows nor a data statement
    ],
)
def test_statements_the_engine_would_reject_are_reported(statement: str) -> None:
    with pytest.raises(SchemaError):
        parse_schema([*BASE, statement])


def test_neo4j_constraints_and_indexes_are_checked_against_the_model() -> None:
    findings = check_neo4j_schema(
        parse_schema(BASE),
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


def _ladybug_catalogue(statements: Iterable[str]) -> dict[str, object]:
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
    nodes: dict[str, object] = {}
    rels: dict[str, object] = {}
    for row in rows("CALL show_tables() RETURN name, type"):
        name, kind = str(row[0]), str(row[1])
        info = rows(f"CALL table_info('{name}') RETURN *")
        props = sorted(str(r[1]) for r in info)
        if kind == "NODE":
            key = next(str(r[1]) for r in info if r[4] is True)
            nodes[name] = (key, props)
        else:
            pairs = rows(f"CALL show_connection('{name}') RETURN *")
            rels[name] = (sorted((str(p[0]), str(p[1])) for p in pairs), props)
    return {"nodes": nodes, "rels": rels}


def _comparable(schema: Schema) -> dict[str, object]:
    return {
        "nodes": {t.label: (t.key, sorted(t.types)) for t in schema.nodes},
        "rels": {
            label: (sorted((r.source, r.target) for r in pairs), sorted(pairs[0].types))
            for label, pairs in schema.rel_labels.items()
        },
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
        "ALTER TABLE District RENAME key TO code",
        "DROP TABLE NEAR",
    ]
    assert _comparable(parse_schema(statements)) == _ladybug_catalogue(statements)


def test_replay_of_the_embedded_migrations_matches_ladybug() -> None:
    ddl = [
        s
        for m in migrations("embedded")
        for s in m.statements
        if s.split(None, 1)[0].upper() in {"CREATE", "ALTER", "DROP"} and "(" not in s.split()[1]
    ]
    assert _comparable(ddl_schema()) == _ladybug_catalogue(ddl)


def test_the_model_during_a_migration_keeps_what_it_drops_later() -> None:
    replay = Replay()
    for statement in BASE:
        replay.apply(statement)
    for statement in [
        "CREATE NODE TABLE Partner(id STRING, PRIMARY KEY(id))",
        "CREATE REL TABLE IF NOT EXISTS OPERATES(FROM Partner TO Site, until STRING)",
        "ALTER TABLE Site DROP provider_id",
        "ALTER TABLE Site RENAME lat TO latitude",
        "DROP TABLE OPERATES",
    ]:
        replay.apply(statement, keep_dropped=True)
    schema = replay.schema()
    site = schema.node("Site")
    assert site is not None and {"provider_id", "lat"} <= set(site.types)
    assert _pairs(schema, "OPERATES") == [("Partner", "Site"), ("Provider", "Site")]
    assert all(r.types == {"since": "STRING", "until": "STRING"} for r in schema.rels)


def test_the_embedded_model_during_the_graph_model_migration() -> None:
    during, after = ddl_schema(6, during=True), ddl_schema(6)
    assert during.node("Contract") is not None and after.node("Contract") is None
    site = during.node("Site")
    assert site is not None and "provider_id" in site.types
    assert _pairs(during, "HAS_SITE") == [("Partner", "PartnerSite"), ("Provider", "Site")]
    assert _pairs(after, "HAS_SITE") == [("Partner", "PartnerSite")]
    assert ddl_schema(5, during=True) == ddl_schema(5)  # 005 drops nothing


def test_only_constraints_and_indexes_not_dropped_later_must_fit_the_final_model() -> None:
    statements = {
        "schema.neo4j.001_init[1]": "CREATE INDEX site_provider_id IF NOT EXISTS FOR (n:Site)"
        " ON (n.provider_id)",
        "schema.neo4j.001_init[2]": "CREATE INDEX site_name IF NOT EXISTS FOR (n:Site) ON (n.name)",
        "schema.neo4j.006_model[1]": "DROP INDEX site_provider_id IF EXISTS",
    }
    assert list(surviving_schema(statements)) == ["schema.neo4j.001_init[2]"]
