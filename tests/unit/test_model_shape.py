"""The graph model keeps its associations as relationships (issue 12).

A node property that names another entity (``*_id``, ``*_ids``, an id array, a carrier or
provider reference) is a relationship waiting to be drawn. Only the deliberate exceptions below
stay; each is documented in docs/architecture.md ("The graph model").
"""

from __future__ import annotations

import re
from pathlib import Path

from registry.graph.schema.model import ddl_schema, parse_schema

#: id-like properties that stay, with why (docs/architecture.md lists the same)
ID_EXCEPTIONS = {
    ("Event", "actor"): "audit snapshot: who acted, also 'system' and users since deactivated",
    ("Event", "carrier"): "audit snapshot: the acting carrier at the time",
    ("Event", "subject_id"): "audit snapshot: outlives its subject (LOGGED walks to it)",
    ("Notice", "subject_id"): "snapshot of what the notice was about, shown as written",
    ("Outbox", "ref_id"): "queue key: the index document to refresh, even a deleted one",
}
#: value lists: words, not references
VALUE_LISTS = {("Site", "languages"), ("Partner", "services")}
_REFERENCE_NAMES = re.compile(
    r"(_ids?$|^(carrier|carriers|provider|providers|partner|partners|site|sites|district|"
    r"districts|district_key|user|actor|created_by|issued_by|target_group|target_groups)$)"
)


def offending(schema_texts: list[str] | None = None) -> list[str]:
    schema = parse_schema(schema_texts) if schema_texts is not None else ddl_schema()
    found = []
    for table in schema.nodes:
        for name, kind in table.columns:
            pair = (table.label, name)
            if name == table.key or pair in ID_EXCEPTIONS:
                continue
            if _REFERENCE_NAMES.search(name):
                found.append(f"{table.label}.{name}: reference property")
            elif kind == "STRING[]" and pair not in VALUE_LISTS:
                found.append(f"{table.label}.{name}: list property that is not a value list")
    return found


def test_no_node_table_holds_an_id_property_or_id_array_beyond_the_documented_exceptions() -> None:
    assert offending() == []
    assert len(ID_EXCEPTIONS) <= 8


def test_the_structural_check_fails_on_a_foreign_key_or_an_id_array() -> None:
    ddl = [
        "CREATE NODE TABLE Site(id STRING, provider_id STRING, PRIMARY KEY(id));",
        "CREATE NODE TABLE Agreement(id STRING, partners STRING[], PRIMARY KEY(id));",
        "CREATE NODE TABLE Partner(id STRING, services STRING[], aliases STRING[], PRIMARY KEY(id));",
    ]
    assert offending(ddl) == [
        "Agreement.partners: reference property",
        "Partner.aliases: list property that is not a value list",
        "Site.provider_id: reference property",
    ]


def test_every_exception_is_documented_in_the_architecture_notes() -> None:
    notes = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(
        encoding="utf-8"
    )
    for label, name in [*ID_EXCEPTIONS, *VALUE_LISTS]:
        assert f"`{label}.{name}`" in notes, f"{label}.{name} is not documented"
