"""The directory through the HTTP API (rules E1–E6, E8) and the explanation."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.helpers import application, site
from tests.api.test_admission_api import decide, submit
from tests.pdf_text import pdf_text

SEARCH = "/api/v1/directory/search"


def admitted(
    api: Api,
    name: str,
    sites: list[dict[str, Any]],
    groups: list[str],
    receiving: str = "drv-nord",
    officer: str = "officer.nord",
) -> dict[str, Any]:
    ref = api.registry.reference
    slug = "".join(ch for ch in name.lower() if ch.isalnum())[:12]
    provider = {"name": name, "legal_form": "gGmbH", "email": f"info@{slug}.example"}
    app = submit(api, application(ref, receiving, sites, groups, provider=provider), as_=officer)
    r = decide(api, app, officer, **{g: True for g in groups})
    assert r.status_code == 200, r.text
    return r.json()


def test_search_returns_every_fitting_site_nearest_first(api: Api) -> None:
    a = admitted(
        api, "Alpha Sucht gGmbH", [site("Lübeck", "23552", headquarters=True)], ["addiction"]
    )
    b = admitted(
        api, "Beta Hilfe gGmbH", [site("Kiel", "24103", catchment_radius_km=100)], ["addiction"]
    )
    admitted(api, "Gamma Onko gGmbH", [site("Lübeck Ost", "23554")], ["oncology"])
    r = api.get(
        f"{SEARCH}?postal_code=23552&target_group=addiction&carrier=drv-nord", as_="cm.nord"
    )
    assert r.status_code == 200, r.text
    body = r.json()
    names = [x["provider"]["name"] for x in body["results"]]
    assert names[:2] == ["Alpha Sucht gGmbH", "Beta Hilfe gGmbH"]  # rule E4: nearest first
    assert body["total"] == len(body["results"]) == 2  # rule E1: oncology provider not listed
    assert body["results"][0]["distance_km"] <= body["results"][1]["distance_km"]
    # rule E4: paging never hides the total
    r = api.get(
        f"{SEARCH}?postal_code=23552&target_group=addiction&page_size=1&page=2", as_="cm.nord"
    )
    assert r.json()["total"] == 2 and len(r.json()["results"]) == 1
    assert {a["provider"]["id"], b["provider"]["id"]} == {
        x["provider"]["id"] for x in body["results"]
    }


def test_catchment_and_max_distance(api: Api) -> None:
    admitted(
        api, "Delta Nah gGmbH", [site("Rostock", "18055", catchment_radius_km=20)], ["cardiology"]
    )
    far = api.get(f"{SEARCH}?postal_code=19053&target_group=cardiology", as_="cm.nord").json()
    assert far["total"] == 0  # rule E2: Schwerin is ~70 km from Rostock
    near = api.get(
        f"{SEARCH}?postal_code=18055&target_group=cardiology&max_distance_km=5", as_="cm.nord"
    )
    assert near.json()["total"] == 1


def test_suspended_and_awaiting_follow_on_never_appear(api: Api) -> None:
    decided = admitted(
        api,
        "Epsilon Neuro gGmbH",
        [site("Kiel", "24103", headquarters=True), site("Kassel", "34117")],
        ["neurological"],
    )
    kiel = next(s for s in decided["sites"] if s["name"] == "Kiel")
    r = api.get(f"{SEARCH}?postal_code=34117&target_group=neurological", as_="cm.hessen")
    assert r.json()["total"] == 0  # rule E5: Kassel awaits DRV Hessen's follow-on admission
    assert (
        api.get(f"{SEARCH}?postal_code=24103&target_group=neurological", as_="cm.nord").json()[
            "total"
        ]
        == 1
    )
    api.post(f"/api/v1/admissions/{kiel['id']}/suspend", {"reason": "Prüfung"}, as_="officer.nord")
    r = api.get(f"{SEARCH}?postal_code=24103&target_group=neurological", as_="cm.nord")
    assert r.json()["total"] == 0  # rule E5: suspended
    explained = api.get(
        f"/api/v1/directory/explain?provider={decided['provider']['id']}&postal_code=24103"
        "&target_group=neurological",
        as_="cm.nord",
    ).json()
    by_name = {s["site"]["name"]: s for s in explained["sites"]}
    assert by_name["Kiel"]["eligible"] is False
    assert any(
        x["rule"] == "E5" and "ausgesetzt" in x["message"] for x in by_name["Kiel"]["reasons"]
    )
    assert any(
        x["rule"] == "E5" and "Folgezulassung" in x["message"] for x in by_name["Kassel"]["reasons"]
    )


def test_language_barrier_free_and_text_filters(api: Api) -> None:
    admitted(
        api,
        "Zeta Sprachmittlung e.V.",
        [site("Flensburg", "24937", languages=["de", "ar"], barrier_free=False)],
        ["language-barrier"],
    )
    base = f"{SEARCH}?postal_code=24937&target_group=language-barrier"
    assert api.get(f"{base}&language=ar", as_="cm.nord").json()["total"] == 1
    assert api.get(f"{base}&language=fa", as_="cm.nord").json()["total"] == 0  # rule E3
    assert api.get(f"{base}&barrier_free=true", as_="cm.nord").json()["total"] == 0  # rule E3
    assert api.get(f"{base}&q=Sprachmittl", as_="cm.nord").json()["total"] == 1  # rule E3: prefix
    assert api.get(f"{base}&q=sprachmitlung", as_="cm.nord").json()["total"] == 1  # rule E3: typo


def test_explain_says_why_with_the_failing_fact(api: Api) -> None:
    d = admitted(
        api, "Eta Reha gGmbH", [site("Husum", "25813", catchment_radius_km=30)], ["mental-health"]
    )
    r = api.get(
        f"/api/v1/directory/explain?provider={d['provider']['id']}&postal_code=24103&target_group=mental-health",
        as_="cm.nord",
    )
    assert r.status_code == 200
    s = r.json()["sites"][0]
    assert s["eligible"] is False
    assert any(x["rule"] == "E2" and "Einzugsgebiet 30 km" in x["message"] for x in s["reasons"])
    ok = api.get(
        f"/api/v1/directory/explain?provider={d['provider']['id']}&postal_code=25813&target_group=mental-health",
        as_="cm.nord",
    ).json()["sites"][0]
    assert ok["eligible"] is True and ok["rank"] == 1


def test_print_list_html_and_pdf(api: Api) -> None:
    admitted(api, "Theta <b>Beratung</b>", [site("Neumünster", "24534")], ["visual-impairment"])
    q = "postal_code=24534&target_group=visual-impairment"
    r = api.get(f"/api/v1/directory/print?{q}&person=Frau%20M.", as_="reader.nord")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "Theta &lt;b&gt;Beratung&lt;/b&gt;" in html  # escaped
    assert "frei wählen" in html and "DRV Nord" in html  # rule E6
    assert "Frau M." not in html  # a name never comes from an address (issue 17, item 4)
    r = api.post(f"/api/v1/directory/print?{q}", {"person": "Frau M."}, as_="reader.nord")
    assert r.status_code == 200 and "Für: Frau M." in r.text
    assert r.headers["cache-control"] == "no-store"
    pdf = api.post(
        f"/api/v1/directory/print?{q}&format=pdf", {"person": "Frau M."}, as_="reader.nord"
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "Für: Frau M." in pdf_text(pdf.content)
    too_long = api.post(f"/api/v1/directory/print?{q}", {"person": "x" * 201}, as_="reader.nord")
    assert too_long.status_code == 422  # the API answers invalid bodies with 422


def test_overview_for_a_carrier_region(api: Api) -> None:
    admitted(api, "Iota Herz gGmbH", [site("Heide", "25746")], ["cardiology"])
    r = api.get("/api/v1/directory/overview", as_="officer.nord")
    assert r.status_code == 200
    sections = {s["code"]: s for s in r.json()["sections"]}
    assert any(
        e["provider"]["name"] == "Iota Herz gGmbH" for e in sections["cardiology"]["entries"]
    )  # rule E8
    csv = api.get("/api/v1/directory/overview?format=csv", as_="officer.nord")
    assert "Iota Herz gGmbH" in csv.text
    hessen = api.get("/api/v1/directory/overview", as_="officer.hessen").json()
    assert all(
        e["provider"]["name"] != "Iota Herz gGmbH" for s in hessen["sections"] for e in s["entries"]
    )


def test_permissions_and_bad_input(api: Api) -> None:
    r = api.get(f"{SEARCH}?postal_code=24103&target_group=addiction", as_="admin")
    assert r.status_code == 403
    r = api.get(
        f"{SEARCH}?postal_code=24103&target_group=addiction&carrier=drv-hessen", as_="cm.nord"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "carrier"
    r = api.get(f"{SEARCH}?postal_code=24103&target_group=flying", as_="cm.nord")
    assert r.status_code == 422
    r = api.get(f"{SEARCH}?postal_code=abc&target_group=addiction", as_="cm.nord")
    assert r.status_code == 422
    r = api.get(f"{SEARCH}?postal_code=99999&target_group=addiction", as_="cm.nord")
    assert r.status_code == 404


def test_e3_free_text_finds_the_admitted_target_groups_words(api: Api) -> None:
    """Rule E3 (issue 15): addiction ticked and "Sucht" typed must not lose the site admitted
    for addiction whose own texts never say "Sucht"; an empty list says how many fit without."""
    kappa = admitted(
        api, "Kappa Lotsen gGmbH", [site("Husum", "25813")], ["addiction", "mental-health"]
    )
    base = f"{SEARCH}?postal_code=25813&target_group=addiction&target_group=mental-health"
    fitting = api.get(base, as_="cm.nord").json()["total"]
    assert fitting >= 1
    for typed in ("Sucht", "Abhängigkeit", "abhangigkeit", "psychisch", "Suchtberatung"):
        body = api.get(f"{base}&q={typed}", as_="cm.nord").json()
        found = {x["provider"]["id"] for x in body["results"]}
        assert kappa["provider"]["id"] in found, typed  # rule E3: the groups' words
        assert body["total_without_text"] == fitting
    body = api.get(f"{base}&q=Gebärdensprache", as_="cm.nord").json()
    assert body["total"] == 0  # hearing impairment is admitted at none of them
    assert body["total_without_text"] == fitting  # rule E3: how many fit without the text
    assert "total_without_text" not in api.get(base, as_="cm.nord").json()


def test_e3_portal_says_how_many_fit_without_the_text(api: Api) -> None:
    admitted(api, "Lambda Lotsen gGmbH", [site("Schleswig", "24837")], ["oncology"])
    page = api.get(
        "/search?postal_code=24837&target_group=oncology&q=Gebärdensprache", as_="cm.nord"
    )
    assert page.status_code == 200
    assert "ohne ihn passt" in page.text and "1 Standort" in page.text
    assert "ohne Freitext suchen" in page.text
    assert "Ungedeckten Bedarf melden" not in page.text  # no false N7 record


def test_s9_a_reader_searches_and_prints_for_any_carrier(api: Api) -> None:
    """§9 (issue 15): a rehabilitation facility serves insured persons of every carrier: the
    reader picks the person's carrier; its contact person, or without one its general service
    number from reference data, is printed - never a placeholder."""
    admitted(api, "My Lotsen gGmbH", [site("Itzehoe", "25524")], ["cardiology"])
    q = "postal_code=25524&target_group=cardiology"
    r = api.get(f"{SEARCH}?{q}&carrier=drv-bayern-sued", as_="reader.nord")
    assert r.status_code == 200, r.text
    assert r.json()["carrier"] == "drv-bayern-sued" and r.json()["total"] >= 1
    assert api.get(f"{SEARCH}?{q}", as_="reader.nord").json()["carrier"] == "drv-nord"
    bad = api.get(f"{SEARCH}?{q}&carrier=drv-atlantis", as_="reader.nord")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "carrier"
    # a case manager still searches as its own carrier
    assert api.get(f"{SEARCH}?{q}&carrier=drv-bayern-sued", as_="cm.nord").status_code == 422
    html = api.get(f"/api/v1/directory/print?{q}&carrier=drv-bayern-sued", as_="reader.nord").text
    assert "DRV Bayern Süd" in html
    assert "Servicetelefon der DRV Bayern Süd" in html and "0800 1000 4800" in html
    assert "Fallmanagementbeauftragte der" not in html  # no placeholder
    pdf = api.get(
        f"/api/v1/directory/print?{q}&carrier=drv-bayern-sued&format=pdf", as_="reader.nord"
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    overview = api.get("/api/v1/directory/overview?carrier=drv-hessen", as_="reader.nord")
    assert overview.status_code == 200 and overview.json()["carrier"]["id"] == "drv-hessen"
    assert (
        api.get("/api/v1/directory/overview?carrier=drv-hessen", as_="cm.nord").status_code == 422
    )


def test_s9_portal_offers_readers_a_carrier_chooser(api: Api) -> None:
    page = api.get(
        "/search?postal_code=25524&target_group=cardiology&carrier=drv-hessen", as_="reader.nord"
    )
    assert page.status_code == 200
    assert "Rentenversicherungsträger der versicherten Person" in page.text
    assert '<option value="drv-hessen" selected>DRV Hessen</option>' in page.text
    assert "carrier=drv-hessen" in page.text  # print and paging keep the chosen carrier
    cm = api.get("/search?postal_code=25524&target_group=cardiology", as_="cm.nord")
    assert "Rentenversicherungsträger der versicherten Person" not in cm.text
