"""API tests of quality assurance (rule A16): visits coordinated across the carriers that
admitted a provider's sites, complaint counts, yearly figures, the quality record, and the
tasks they make."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from registry import clock
from tests.api.conftest import Api
from tests.api.helpers import application, site

GROUPS = ["addiction"]
NEED = "Wir benötigen externe Expertise in der Suchtberatung, die wir selbst nicht vorhalten."
_counter = iter(range(1, 10_000))


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def _two_carrier_provider(api: Api) -> dict[str, Any]:
    """A provider with a site admitted by DRV Nord (the lead) and one admitted by DRV Hessen
    (the follow-on admission of A7); DRV Westfalen admitted nothing of it."""
    n = next(_counter)
    provider = {
        "name": f"Qualität Beratung {n} gGmbH",
        "legal_form": "gGmbH",
        "email": f"q{n}@qualitaet.example",
    }
    body = application(
        api.registry.reference,
        "drv-nord",
        [site("Lübeck", "23556", "Lübeck"), site("Frankfurt", "60311", "Frankfurt am Main")],
        GROUPS,
        provider=provider,
    )
    app = _ok(api.post("/api/v1/applications", body, as_="officer.nord"), 201)
    full = _ok(api.get(f"/api/v1/applications/{app['id']}", as_="officer.nord"))
    decision = {
        "target_groups": {g: {"admit": True, "reason": NEED} for g in GROUPS},
        "version": full["version"],
    }
    _ok(api.post(f"/api/v1/applications/{app['id']}/decision", decision, as_="officer.nord"))
    follow_ons = _ok(api.get("/api/v1/follow-on-admissions?status=open", as_="officer.hessen"))
    task = next(t for t in follow_ons if t["application_id"] == app["id"])
    _ok(api.post(f"/api/v1/follow-on-admissions/{task['id']}/admit", as_="officer.hessen"))
    provider_id = full["provider"]["id"]
    user = f"provider.q{n}"
    api.add_provider_user(user, provider_id)
    return {"id": provider_id, "user": user, "sites": [s["id"] for s in full["sites"]]}


def _tasks(api: Api, user: str, **match: Any) -> list[dict[str, Any]]:
    rows = _ok(api.get("/api/v1/tasks", as_=user))
    return [t for t in rows if all(t.get(k) == v for k, v in match.items())]


def _next_quarter_start(today: date) -> date:
    month = ((today.month - 1) // 3 + 1) * 3 + 1
    return date(today.year + (month > 12), (month - 1) % 12 + 1, 1)


def _figures(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cases": {"addiction": 30, "mental-health": 12},
        "provision": {"in_person": 35, "outreach": 10, "remote": 8},
        "completed": 25,
        "goal_reached": 18,
        "return_to_work": 11,
    }
    body.update(over)
    return body


def test_walk_plan_join_done_complaints_figures_review(api: Api) -> None:
    # rule A16: plan → second carrier joins → done with finding → complaints → figures →
    # the quality record shows all of it, newer than the last review highlighted
    p = _two_carrier_provider(api)
    base = f"/api/v1/providers/{p['id']}"
    first = _next_quarter_start(clock.today()) + timedelta(days=5)

    # §9: a carrier that admitted nothing of this provider sees nothing and plans nothing
    assert api.get(f"{base}/quality", as_="officer.westfalen").status_code == 404
    assert api.get(f"{base}/visits", as_="officer.westfalen").status_code == 404
    r = api.post(f"{base}/visits", {"planned_on": first.isoformat()}, as_="officer.westfalen")
    assert r.status_code == 404
    # only carriers that admitted a site can be invited
    r = api.post(
        f"{base}/visits",
        {"planned_on": first.isoformat(), "carriers": ["drv-westfalen"]},
        as_="officer.nord",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "carriers[0]"

    visit = _ok(
        api.post(
            f"{base}/visits",
            {"planned_on": first.isoformat(), "carriers": ["drv-hessen"], "note": "Konzept, Räume"},
            as_="officer.nord",
        ),
        201,
    )
    assert visit["status"] == "planned" and visit["coordination"] == []
    roles = {c["id"]: c["role"] for c in visit["carriers"]}
    assert roles == {"drv-nord": "planned", "drv-hessen": "invited"}
    assert {c["name"] for c in visit["carriers"]} >= {"DRV Nord"}

    # the invited carrier finds the visit in its task inbox
    inbox = _tasks(api, "officer.hessen", kind="visit", visit_id=visit["id"])
    assert len(inbox) == 1 and inbox[0]["rule"] == "A16" and inbox[0]["provider_id"] == p["id"]
    assert not _tasks(api, "officer.westfalen", kind="visit")
    assert all("visit_id" in t for t in _ok(api.get("/api/v1/tasks", as_="officer.nord")))

    # the second carrier joins; the invitation is answered
    joined = _ok(api.post(f"{base}/visits/{visit['id']}/join", as_="officer.hessen"))
    assert {c["id"]: c["role"] for c in joined["carriers"]} == {
        "drv-nord": "planned",
        "drv-hessen": "joined",
    }
    assert api.post(f"{base}/visits/{visit['id']}/join", as_="officer.hessen").status_code == 409
    assert not _tasks(api, "officer.hessen", kind="visit", visit_id=visit["id"])
    assert api.post(f"{base}/visits/{visit['id']}/join", as_="officer.westfalen").status_code == 404

    # the provider sees its planned visits (when and who), not the carriers' note
    seen = _ok(api.get(f"{base}/visits", as_=p["user"]))
    assert [v["id"] for v in seen] == [visit["id"]] and seen[0]["note"] is None

    # complaints: counts by category and month, nothing else
    month = (clock.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    c1 = _ok(
        api.post(
            f"{base}/complaints",
            {"month": month, "category": "waiting_time", "count": 2},
            as_="officer.nord",
        ),
        201,
    )
    assert c1["carrier"] == "drv-nord" and c1["category_label"] == "Wartezeit"
    _ok(
        api.post(
            f"{base}/complaints",
            {"month": month, "category": "reachability", "count": 1},
            as_="officer.hessen",
        ),
        201,
    )
    r = api.post(
        f"{base}/complaints",
        {"month": month, "category": "other", "count": 1, "name": "Frau M.", "case": "A-17"},
        as_="officer.nord",
    )
    assert r.status_code == 422
    assert {(e["field"], e["rule"]) for e in r.json()["errors"]} == {
        ("name", "A16"),
        ("case", "A16"),
    }
    for bad in ({"count": -1}, {"category": "Frau M."}, {"month": "2020-13"}):
        body = {"month": month, "category": "other", "count": 1, **bad}
        assert api.post(f"{base}/complaints", body, as_="officer.nord").status_code == 422
    assert api.post(f"{base}/complaints", {}, as_=p["user"]).status_code == 403
    r = api.post(
        f"{base}/complaints",
        {"month": month, "category": "other", "count": 1},
        as_="officer.westfalen",
    )
    assert r.status_code == 404

    # the provider reports last year's figures: counts only, none above its total
    year = clock.today().year - 1
    r = api.put(f"{base}/yearly-figures/{year}", _figures(completed=43), as_=p["user"])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "completed"
    r = api.put(f"{base}/yearly-figures/{year}", _figures(goal_reached=26), as_=p["user"])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "goal_reached"
    r = api.put(
        f"{base}/yearly-figures/{year}",
        _figures(provision={"in_person": 43, "outreach": 0, "remote": 0}),
        as_=p["user"],
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "provision.in_person"
    r = api.put(f"{base}/yearly-figures/{year}", _figures(comment="Herr K."), as_=p["user"])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "comment"
    r = api.put(f"{base}/yearly-figures/{clock.today().year}", _figures(), as_=p["user"])
    assert r.status_code == 422  # the year has not ended
    assert (
        api.put(f"{base}/yearly-figures/{year}", _figures(), as_="officer.nord").status_code == 403
    )
    reported = _ok(api.put(f"{base}/yearly-figures/{year}", _figures(), as_=p["user"]))
    assert reported["cases"] == {"addiction": 30, "mental-health": 12}
    assert reported["provision"] == {"in_person": 35, "outreach": 10, "remote": 8}

    # the day comes: the carriers taking part record the visit as done with a finding
    clock.shift(timedelta(days=(first - clock.today()).days + 1))
    record_task = _tasks(api, "officer.nord", kind="visit", visit_id=visit["id"])
    assert record_task and record_task[0]["overdue"] is False
    r = api.post(
        f"{base}/visits/{visit['id']}/done",
        {"done_on": first.isoformat(), "finding": "  "},
        as_="officer.hessen",
    )
    assert r.status_code == 422
    done = _ok(
        api.post(
            f"{base}/visits/{visit['id']}/done",
            {"done_on": first.isoformat(), "finding": "Konzept umgesetzt, Räume geeignet."},
            as_="officer.hessen",
        )
    )
    assert done["status"] == "done" and done["finding"] == "Konzept umgesetzt, Räume geeignet."
    assert not _tasks(api, "officer.nord", kind="visit", visit_id=visit["id"])

    # the record: everything on record, all of it new (no review yet)
    q = _ok(api.get(f"{base}/quality", as_="officer.nord"))
    assert q["last_review"] is None
    assert [v["id"] for v in q["visits"]] == [visit["id"]] and q["visits"][0]["new"] is True
    assert {(c["carrier"], c["category"], c["count"]) for c in q["complaints"]} == {
        ("drv-nord", "waiting_time", 2),
        ("drv-hessen", "reachability", 1),
    }
    assert q["yearly_figures"][str(year)]["completed"] == 25
    assert q["summary"]["complaints"]["total"] == 3 and q["summary"]["complaints"]["new"] == 3
    per_carrier = {e["carrier"]: e["total"] for e in q["summary"]["complaints"]["by_carrier"]}
    assert per_carrier == {"drv-nord": 2, "drv-hessen": 1}
    assert q["summary"]["visits"]["done"] == 1
    # the provider: its figures and visits, complaints as monthly totals without categories
    own = _ok(api.get(f"{base}/quality", as_=p["user"]))
    assert own["complaints"] == [{"month": month, "count": 3}]
    assert own["visits"][0]["finding"] is None
    assert own["yearly_figures"][str(year)]["return_to_work"] == 11

    # after a review (A14) only what is recorded later is new
    review = {"outcome": "confirmed", "reason": "Qualitätsdaten unauffällig."}
    _ok(api.post(f"/api/v1/admissions/{p['sites'][0]}/review", review, as_="officer.nord"))
    clock.shift(timedelta(seconds=2))
    _ok(
        api.post(
            f"{base}/complaints",
            {"month": month, "category": "counselling", "count": 4},
            as_="officer.hessen",
        ),
        201,
    )
    q = _ok(api.get(f"{base}/quality", as_="officer.nord"))
    assert q["last_review"] == clock.today().isoformat()
    assert [c["category"] for c in q["complaints"] if c["new"]] == ["counselling"]
    assert q["visits"][0]["new"] is False
    assert q["summary"]["complaints"]["new"] == 4 and q["summary"]["complaints"]["total"] == 7
    # DRV Hessen has not reviewed yet: everything is new to it
    q = _ok(api.get(f"{base}/quality", as_="officer.hessen"))
    assert q["last_review"] is None and q["summary"]["complaints"]["new"] == 7


def test_two_carriers_in_one_quarter_are_told_of_each_other(api: Api) -> None:
    # rule A16, Rahmenkonzept §8: visits to one provider in one quarter are coordinated
    p = _two_carrier_provider(api)
    base = f"/api/v1/providers/{p['id']}"
    start = _next_quarter_start(clock.today())
    nord = _ok(
        api.post(
            f"{base}/visits",
            {"planned_on": (start + timedelta(days=3)).isoformat()},
            as_="officer.nord",
        ),
        201,
    )
    assert nord["coordination"] == []
    hessen = _ok(
        api.post(
            f"{base}/visits",
            {"planned_on": (start + timedelta(days=40)).isoformat()},
            as_="officer.hessen",
        ),
        201,
    )
    assert [c["visit_id"] for c in hessen["coordination"]] == [nord["id"]]
    assert hessen["coordination"][0]["carrier_name"] == "DRV Nord"

    def notices(user: str) -> list[dict[str, Any]]:
        rows = _ok(api.get("/api/v1/notices?acknowledged=false", as_=user))
        return [n for n in rows if n["subject"]["id"] == p["id"]]

    told_nord, told_hessen = notices("officer.nord"), notices("officer.hessen")
    assert len(told_nord) == 1 and "DRV Hessen" in told_nord[0]["message"]
    assert len(told_hessen) == 1 and "DRV Nord" in told_hessen[0]["message"]
    assert told_nord[0]["subject"]["title"].startswith("Qualität Beratung")
    # a visit in the next quarter is nobody's concern
    later = start + timedelta(days=100)
    other = _ok(
        api.post(f"{base}/visits", {"planned_on": later.isoformat()}, as_="officer.nord"), 201
    )
    assert other["coordination"] == []


def test_missing_yearly_report_is_a_task_and_overdue_an_advisory_finding(api: Api) -> None:
    # rule A16: an ended year without figures is the provider's task; after the first quarter
    # of the next year it is overdue and an advisory finding for the review
    p = _two_carrier_provider(api)
    base = f"/api/v1/providers/{p['id']}"
    year = clock.today().year
    assert not _tasks(api, p["user"], kind="yearly_report")
    clock.shift(timedelta(days=(date(year + 1, 2, 1) - clock.today()).days))
    task = _tasks(api, p["user"], kind="yearly_report")
    assert len(task) == 1 and task[0]["overdue"] is False
    assert task[0]["due_on"] == f"{year + 1}-03-31" and str(year) in task[0]["message"]
    assert _ok(api.get(f"{base}/quality", as_="officer.nord"))["findings"] == []
    # the carriers' inboxes do not carry the provider's task
    assert not _tasks(api, "officer.nord", kind="yearly_report")

    clock.shift(timedelta(days=(date(year + 1, 4, 1) - clock.today()).days))
    task = _tasks(api, p["user"], kind="yearly_report")
    assert task[0]["overdue"] is True
    q = _ok(api.get(f"{base}/quality", as_="officer.nord"))
    assert q["missing_reports"] == [{"year": year, "due_on": f"{year + 1}-03-31", "overdue": True}]
    assert [(f["rule"], f["severity"]) for f in q["findings"]] == [("A16", "advisory")]

    _ok(api.put(f"{base}/yearly-figures/{year}", _figures(), as_=p["user"]))
    assert not _tasks(api, p["user"], kind="yearly_report")
    assert _ok(api.get(f"{base}/quality", as_="officer.nord"))["findings"] == []
    # another provider's figures: 404
    other = _two_carrier_provider(api)
    r = api.put(f"/api/v1/providers/{other['id']}/yearly-figures/{year}", _figures(), as_=p["user"])
    assert r.status_code == 404
    assert api.get(f"/api/v1/providers/{other['id']}/quality", as_=p["user"]).status_code == 404
