"""Issue 14, finding 4 (second half): a joint announcement could name carriers that never
agreed. Rule A12 with N4: each named carrier confirms before the announcement is published."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from registry import clock
from tests.api.conftest import Api
from tests.api.conftest import api as api  # noqa: F401 - the module's registry and client
from tests.api.helpers import application, site


def _body(**over: Any) -> dict[str, Any]:
    return {
        "carriers": ["drv-nord", "drv-hessen", "drv-bund"],
        "target_groups": ["addiction"],
        "districts": ["01003"],
        "text": "Wir suchen gemeinsam Anbieter für Suchterkrankte in Lübeck.",
        "open_until": (clock.today() + timedelta(days=30)).isoformat(),
        **over,
    }


def _ids(api: Api, user: str | None) -> set[str]:  # noqa: F811
    r = api.get("/api/v1/announcements?open=true", as_=user)
    assert r.status_code == 200, r.text
    return {a["id"] for a in r.json()}


def test_named_carriers_confirm_before_the_announcement_is_published(api: Api) -> None:  # noqa: F811
    r = api.post("/api/v1/announcements", _body(), as_="strategist.nord")
    assert r.status_code == 201, r.text
    created = r.json()
    aid = created["id"]
    assert (created["published"], created["pending"]) == (False, ["drv-bund", "drv-hessen"])

    # not published: providers and uninvolved carriers do not see it, nor can it be answered
    provider_id = _provider(api)
    api.add_provider_user("provider.ann", provider_id)
    assert aid not in _ids(api, "provider.ann")
    assert aid not in _ids(api, "officer.westfalen")
    assert aid in _ids(api, "officer.hessen")  # a named carrier sees what it is asked to join
    body = application(
        api.registry.reference,
        "drv-nord",
        [site("Lübeck", "23556")],
        ["addiction"],
        provider={"id": provider_id},
    )
    r = api.post("/api/v1/applications", {**body, "announcement_id": aid}, as_="provider.ann")
    assert r.status_code == 422, r.text

    # only a named carrier confirms; a carrier not named gets 404
    path = f"/api/v1/announcements/{aid}/confirm"
    assert api.post(path, as_="officer.westfalen").status_code == 404
    assert api.post(path, as_="cm.hessen").status_code == 403  # a role that never confirms
    r = api.post(path, as_="officer.hessen")
    assert r.status_code == 200, r.text
    assert (r.json()["published"], r.json()["pending"]) == (False, ["drv-bund"])
    assert aid not in _ids(api, "provider.ann")
    r = api.post(path, as_="strategist.bund")
    assert r.status_code == 200, r.text
    assert r.json()["published"] is True
    assert api.post(path, as_="strategist.bund").status_code == 200  # again: no change
    assert aid in _ids(api, "provider.ann")
    assert aid in _ids(api, "officer.westfalen")


def test_an_announcement_of_the_authors_carrier_alone_is_published_at_once(
    api: Api,  # noqa: F811
) -> None:
    r = api.post("/api/v1/announcements", _body(carriers=["drv-nord"]), as_="officer.nord")
    assert r.status_code == 201, r.text
    assert (r.json()["published"], r.json()["pending"]) == (True, [])
    assert r.json()["id"] in _ids(api, "cm.hessen")


def _provider(api: Api) -> str:  # noqa: F811
    r = api.post(
        "/api/v1/providers",
        {"name": "Ankündigung gGmbH", "legal_form": "gGmbH", "email": "a@ankuendigung.example"},
        as_="admin",
    )
    assert r.status_code == 201, r.text
    provider_id: str = r.json()["id"]
    return provider_id
