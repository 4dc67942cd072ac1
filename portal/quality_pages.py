"""Portal pages of quality assurance (rule A16).

Officers of a carrier that admitted a site of the provider: the provider's quality record with
the forms to plan, join and record visits and to enter complaint counts. The provider: its
record (visits, its figures, complaints as monthly totals) and the form for its yearly figures.
The review page (A14) shows the same record per provider (:func:`review_records`). Every form
calls the same use cases as the JSON API (``registry.quality``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from litestar import Response, get, post
from litestar.response import Template

from portal.base import AnyRequest, current_principal, current_registry, page, see_other
from portal.forms import Errors, Form, FormData, value, values
from portal.quality_chart import yearly_chart
from registry import clock
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from registry.quality import complaints, figures, record, rules, visits

OFFICER = Role.ADMISSIONS_OFFICER
PROVIDER = Role.PROVIDER
MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
MESSAGES = {
    "geplant": "Die Hospitation ist geplant; eingeladene Träger sehen sie in ihrem Eingang.",
    "abstimmen": "Die Hospitation ist geplant. Im selben Quartal planen weitere Träger eine "
    "Hospitation bei diesem Anbieter – beide Seiten haben einen Hinweis erhalten.",
    "beigetreten": "Ihr Träger nimmt an der Hospitation teil.",
    "durchgefuehrt": "Die Hospitation ist als durchgeführt erfasst.",
    "beschwerden": "Die Anzahl der Beschwerden ist gespeichert.",
    "jahreszahlen": "Die Jahreszahlen sind gespeichert.",
}


def month_label(month: str) -> str:
    parsed = rules.parse_month(month)
    return f"{MONTHS[parsed.month - 1]} {parsed.year}" if parsed else month


def decorate(q: dict[str, Any], title: str) -> tuple[dict[str, Any], str]:
    """German month labels for the complaints, and the chart of the yearly figures."""
    for c in q["complaints"]:
        c["month_label"] = month_label(c["month"])
    return q, yearly_chart(q["yearly_figures"], title)


def review_records(reg: Registry, me: Principal, provider_ids: Iterable[str]) -> dict[str, Any]:
    """The quality record of each provider on the review page (A14 with A16), with its chart."""
    out: dict[str, Any] = {}
    for provider_id in dict.fromkeys(provider_ids):
        try:
            q = record.quality_record(reg, me, provider_id)
        except (NotFound, Forbidden):
            continue
        name = q["provider"]["name"]
        q, chart = decorate(q, f"Jahreszahlen von {name}")
        out[provider_id] = {"q": q, "chart": chart}
    return out


def _page(
    request: AnyRequest,
    provider_id: str,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
    message: str = "",
) -> Template:
    reg, me = current_registry(request), current_principal(request)
    q = record.quality_record(reg, me, provider_id)
    name = q["provider"]["name"]
    q, chart = decorate(q, f"Jahreszahlen von {name}")
    officer = me.role is OFFICER
    today = clock.today()
    return page(
        request,
        "quality.html",
        status_code=status_code,
        title=f"Qualitätssicherung: {name}",
        q=q,
        chart=chart,
        officer=officer,
        me_carrier=me.carrier or "",
        invitable=[(c["id"], c["name"]) for c in visits.invitable_carriers(reg, me, provider_id)]
        if officer
        else [],
        categories=list(rules.COMPLAINT_CATEGORIES.items()),
        provision_kinds=list(rules.PROVISION_KINDS.items()),
        years=[(str(y), str(y)) for y in range(today.year - 1, today.year - 4, -1)],
        form=form or {},
        errors=errors or Errors(),
        message=message,
    )


@get("/providers/{provider_id:str}/quality", guards=[allow(OFFICER, PROVIDER)], sync_to_thread=True)
def quality_page(request: AnyRequest, provider_id: str, hinweis: str = "") -> Template:
    return _page(request, provider_id, message=MESSAGES.get(hinweis, ""))


def _submit(
    request: AnyRequest,
    provider_id: str,
    data: FormData,
    anchors: set[str],
    action: Any,
    done: str | Any,
    prefix: str = "",
) -> Response[Any]:
    """Run a use case; on invalid input show the page again with the problems next to the
    fields (``prefix`` + the problem's field)."""
    errors = Errors(anchors=anchors, default=sorted(anchors)[0] if anchors else "")
    try:
        result = action()
    except InvalidInput as exc:
        errors.extend(Problem(prefix + p.field, p.message, p.rule) for p in exc.problems)
    except Conflict as exc:
        errors.notice = exc.message
    else:
        hinweis = done(result) if callable(done) else done
        return see_other(f"/providers/{provider_id}/quality?hinweis={hinweis}")
    return _page(request, provider_id, form=data, errors=errors, status_code=422)


def _day(form: FormData, name: str) -> date | None:
    try:
        return date.fromisoformat(value(form, name))
    except ValueError:
        return None


def _required_day(form: FormData, name: str, field: str) -> date:
    parsed = _day(form, name)
    if parsed is None:
        raise InvalidInput.one(field, "Bitte ein Datum angeben", rules.RULE)
    return parsed


@post(
    "/providers/{provider_id:str}/quality/visits",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def visit_plan(
    request: AnyRequest, reg: Registry, me: Principal, provider_id: str, data: Form
) -> Response[Any]:

    def action() -> dict[str, Any]:
        payload = {
            "planned_on": _required_day(data, "planned_on", "planned_on"),
            "carriers": values(data, "carriers"),
            "note": value(data, "note")[:2000],
        }
        return visits.plan_visit(reg, me, provider_id, payload)

    return _submit(
        request,
        provider_id,
        data,
        {"planned_on", "carriers", "note"},
        action,
        lambda v: "abstimmen" if v["coordination"] else "geplant",
    )


@post(
    "/providers/{provider_id:str}/quality/visits/{visit_id:str}/join",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def visit_join(
    request: AnyRequest, reg: Registry, me: Principal, provider_id: str, visit_id: str
) -> Response[Any]:
    return _submit(
        request,
        provider_id,
        {},
        set(),
        lambda: visits.join_visit(reg, me, provider_id, visit_id),
        "beigetreten",
    )


@post(
    "/providers/{provider_id:str}/quality/visits/{visit_id:str}/done",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def visit_done(
    request: AnyRequest, reg: Registry, me: Principal, provider_id: str, visit_id: str, data: Form
) -> Response[Any]:
    prefix = f"done.{visit_id}."

    def action() -> dict[str, Any]:
        done_on = _required_day(data, prefix + "done_on", "done_on")
        return visits.record_done(
            reg, me, provider_id, visit_id, done_on, value(data, prefix + "finding")[:2000]
        )

    return _submit(
        request,
        provider_id,
        data,
        {prefix + "done_on", prefix + "finding"},
        action,
        "durchgefuehrt",
        prefix,
    )


def _count(text: str) -> int | str:
    return int(text) if text.isdigit() else text


@post(
    "/providers/{provider_id:str}/quality/complaints",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def complaint_save(
    request: AnyRequest, reg: Registry, me: Principal, provider_id: str, data: Form
) -> Response[Any]:
    payload = {
        "month": value(data, "month"),
        "category": value(data, "category"),
        "count": _count(value(data, "count")),
    }
    return _submit(
        request,
        provider_id,
        data,
        {"month", "category", "count"},
        lambda: complaints.record_complaints(reg, me, provider_id, payload),
        "beschwerden",
    )


def figures_payload(form: FormData, groups: Sequence[str]) -> dict[str, Any]:
    """The yearly figures form as the API's body; empty counts of groups and kinds are 0."""

    def n(name: str, default: int | None = 0) -> int | str | None:
        text = value(form, name)
        return default if text == "" else _count(text)

    return {
        "cases": {g: n(f"cases.{g}") for g in groups},
        "provision": {k: n(f"provision.{k}") for k in rules.PROVISION_KINDS},
        **{k: n(k, None) for k in rules.OUTCOME_FIELDS},
    }


@post(
    "/providers/{provider_id:str}/quality/figures",
    guards=[allow(PROVIDER)],
    status_code=200,
    sync_to_thread=True,
)
def figures_save(
    request: AnyRequest, reg: Registry, me: Principal, provider_id: str, data: Form
) -> Response[Any]:
    groups = [t.code for t in reg.reference.target_groups]
    year_text = value(data, "year")
    anchors = {"year", *(f"cases.{g}" for g in groups), *rules.OUTCOME_FIELDS}
    anchors |= {f"provision.{k}" for k in rules.PROVISION_KINDS}

    def action() -> dict[str, Any]:
        if not year_text.isdigit():
            raise InvalidInput.one("year", "Bitte das Jahr wählen", rules.RULE)
        return figures.report_figures(
            reg, me, provider_id, int(year_text), figures_payload(data, groups)
        )

    return _submit(request, provider_id, data, anchors, action, "jahreszahlen")


def handlers() -> Sequence[Any]:
    return [quality_page, visit_plan, visit_join, visit_done, complaint_save, figures_save]
