"""Open data: the directory as an Open Referral HSDS 3.0 export (issue 9, item 7).

Every exported object is validated against the official HSDS 3.0 JSON schema of its table,
kept in ``tests/fixtures/hsds`` (see PROVENANCE.md there).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from registry.directory.hsds import hsds_id
from tests.api.conftest import Api
from tests.api.helpers import application, case_manager, site
from tests.api.test_admission_api import decide, submit

EXPORT = "/api/v1/directory/export/hsds"
SCHEMA_DIR = Path(__file__).parent.parent / "fixtures" / "hsds" / "schema"
BASE = "https://hsds.invalid/3.0/schema/"

#: export array -> HSDS table schema of its objects
TABLES = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "service_at_locations": "service_at_location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}

STAFF_NAMES = ("Zora Verschwiegen", "Xaver Vertraulich")
REFUSAL = "Kein Bedarf in der Region."


@cache
def validator(table: str) -> Draft202012Validator:
    """A validator for one HSDS table; the schemas' relative ``$ref``s resolve among the files."""
    resources = [
        (
            BASE + path.name,
            Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
            ),
        )
        for path in SCHEMA_DIR.glob("*.json")
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    return Draft202012Validator(
        {"$ref": f"{BASE}{table}.json"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def schema_errors(table: str, obj: dict[str, Any]) -> list[str]:
    return [
        f"{table} {obj.get('id')}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(table).iter_errors(obj)
    ]


def _provider(name: str, slug: str) -> dict[str, Any]:
    return {
        "name": name,
        "legal_form": "gGmbH",
        "email": f"info@{slug}.example",
        "phone": "0451 987654",
        "website": f"www.{slug}.example",
    }


def _admit(api: Api, name: str, slug: str, sites: list[dict[str, Any]], **groups: bool) -> Any:
    ref = api.registry.reference
    body = application(
        ref,
        "drv-nord",
        sites,
        list(groups),
        provider=_provider(name, slug),
        case_managers=[case_manager(n, list(groups)) for n in STAFF_NAMES],
    )
    app = submit(api, body, as_="officer.nord")
    r = decide(api, app, "officer.nord", **groups)
    assert r.status_code == 200, r.text
    return app, r.json()


@pytest.fixture(scope="module")
def data(api: Api) -> dict[str, Any]:
    alpha_app, alpha = _admit(
        api,
        "Alpha Offen gGmbH",
        "alphaoffen",
        [
            site(
                "Lübeck",
                "23552",
                headquarters=True,
                details={"opening_hours": "Mo–Fr 9–16 Uhr", "contact_phone": "0451 111"},
            ),
            site("Kiel", "24103", barrier_free=False, public_transport=False, languages=["de"]),
        ],
        addiction=True,
        oncology=False,
    )
    beta_app, beta = _admit(
        api, "Beta Ruhend gGmbH", "betaruhend", [site("Rostock", "18055")], cardiology=True
    )
    for s in beta["sites"]:
        r = api.post(
            f"/api/v1/admissions/{s['id']}/suspend", {"reason": "Prüfung"}, as_="officer.nord"
        )
        assert r.status_code == 200, r.text
    r = api.get(EXPORT, as_="cm.nord")
    assert r.status_code == 200, r.text
    return {
        "alpha": alpha,
        "alpha_app": alpha_app,
        "beta": beta,
        "beta_app": beta_app,
        "export": r.json(),
        "text": r.text,
    }


def test_admitted_provider_is_exported_with_its_sites_and_groups(data: dict[str, Any]) -> None:
    export, alpha = data["export"], data["alpha"]
    provider_id = alpha["provider"]["id"]
    org_id = hsds_id("organization", provider_id)
    orgs = {o["id"]: o for o in export["organizations"]}
    # rule E1: an admitted, active provider is in the public directory
    assert orgs[org_id]["name"] == "Alpha Offen gGmbH"
    assert orgs[org_id]["email"] == "info@alphaoffen.example"
    assert orgs[org_id]["website"] == "https://www.alphaoffen.example"
    assert [p["number"] for p in orgs[org_id]["phones"]] == ["0451 987654"]
    locations = [loc for loc in export["locations"] if loc["organization_id"] == org_id]
    assert sorted(loc["name"] for loc in locations) == ["Kiel", "Lübeck"]
    luebeck = next(loc for loc in locations if loc["name"] == "Lübeck")
    assert luebeck["addresses"][0]["postal_code"] == "23552"
    assert luebeck["addresses"][0]["state_province"] == "Schleswig-Holstein"
    assert [p["number"] for p in luebeck["phones"]] == ["0451 111"]
    assert sorted(lang["code"] for lang in luebeck["languages"]) == ["de", "tr"]
    assert luebeck["schedules"][0]["description"] == "Mo–Fr 9–16 Uhr"
    # rule E1: only admitted target groups become services; the refused one does not
    services = [s for s in export["services"] if s["organization_id"] == org_id]
    assert [s["attributes"][0]["taxonomy_term"]["code"] for s in services] == ["addiction"]
    at_locations = [
        a for a in export["service_at_locations"] if a["service_id"] == services[0]["id"]
    ]
    assert {a["location_id"] for a in at_locations} == {loc["id"] for loc in locations}


def test_suspended_provider_staff_and_applications_are_never_exported(
    data: dict[str, Any],
) -> None:
    export, text, beta = data["export"], data["text"], data["beta"]
    provider_id = beta["provider"]["id"]
    # rule E5: a suspended admission leaves the directory, and so the export
    assert hsds_id("organization", provider_id) not in {o["id"] for o in export["organizations"]}
    assert "Beta Ruhend" not in text
    # docs/rules.md §9: staff, applications, decisions and users are never public
    for secret in (*STAFF_NAMES, REFUSAL, "officer.nord", "cm.nord"):
        assert secret not in text
    for app in (data["alpha_app"], data["beta_app"]):
        assert app["id"] not in text
    assert set(export) == {
        "hsds_version",
        "generated_at",
        *TABLES,
    }


def test_every_object_validates_against_the_hsds_3_schema(data: dict[str, Any]) -> None:
    export = data["export"]
    assert export["hsds_version"] == "3.0"
    errors: list[str] = []
    for key, table in TABLES.items():
        assert export[key], key
        for obj in export[key]:
            errors += schema_errors(table, obj)
    assert errors == []
    # the validator does check formats: a non-UUID id is refused
    broken = {**export["organizations"][0], "id": "prov-1"}
    assert schema_errors("organization", broken)


def test_references_resolve_and_ids_are_unique_and_stable(api: Api, data: dict[str, Any]) -> None:
    export = data["export"]
    ids = [o["id"] for key in TABLES for o in export[key]]
    assert len(ids) == len(set(ids))
    orgs = {o["id"] for o in export["organizations"]}
    services = {s["id"] for s in export["services"]}
    locations = {loc["id"] for loc in export["locations"]}
    terms = {t["id"] for t in export["taxonomy_terms"]}
    assert {s["organization_id"] for s in export["services"]} <= orgs
    assert {loc["organization_id"] for loc in export["locations"]} <= orgs
    assert {a["service_id"] for a in export["service_at_locations"]} <= services
    assert {a["location_id"] for a in export["service_at_locations"]} <= locations
    assert {a["taxonomy_term_id"] for s in export["services"] for a in s["attributes"]} <= terms
    again = api.get(EXPORT, as_="reader.nord").json()
    for key in TABLES:
        assert again[key] == export[key]


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("cm.nord", 200),
        ("reader.nord", 200),
        ("officer.hessen", 200),
        ("strategist.bund", 200),
        ("admin", 200),
        (None, 401),
    ],
)
def test_access_staff_of_every_carrier_but_not_anonymous(
    api: Api, user: str | None, status: int
) -> None:
    # docs/rules.md §9: public content, exported to logged-in carrier staff of any carrier
    assert api.get(EXPORT, as_=user).status_code == status


def test_access_provider_is_refused(api: Api, data: dict[str, Any]) -> None:
    alpha = data["alpha"]
    provider_id = alpha["provider"]["id"]
    api.add_provider_user("provider.hsds", provider_id)
    # docs/rules.md §9: a provider is not carrier staff
    assert api.get(EXPORT, as_="provider.hsds").status_code == 403
