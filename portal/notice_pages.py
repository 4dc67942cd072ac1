"""Notices (A8, N4: what another carrier did that concerns ours) and announcements (A12: the
carriers' call for applications, confirmed by every carrier named)."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal.base import (
    OFFICER,
    STRATEGIST,
    AnyRequest,
    carrier_name,
    current_registry,
    message_for,
    page,
    see_other,
    target_group_label,
)
from portal.forms import Errors, Form, FormData, problems_of, value, values
from portal.picker_choices import chosen_codes, searching
from registry import notices as notice_service
from registry.admission.announcements import (
    confirm_announcement,
    create_announcement,
    list_announcements,
)
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.errors import InvalidInput

# --------------------------------------------------------------------------- notices


def _notice_page(
    request: AnyRequest,
    reg: Registry,
    me: Principal,
    *,
    message: str = "",
    status_code: int = 200,
    errors: Errors | None = None,
    form: FormData | None = None,
) -> Template:
    open_notices = notice_service.list_notices(reg, me, False)
    done = notice_service.list_notices(reg, me, True)
    done.sort(key=lambda n: n["acknowledged_at"] or "", reverse=True)
    return page(
        request,
        "notices.html",
        status_code=status_code,
        title="Hinweise",
        open_notices=sorted(open_notices, key=lambda n: n["created_at"]),
        done=done[:20],
        message=message,
        errors=errors or Errors(),
        form=form or {},
    )


@get("/notices", guards=[allow(OFFICER, STRATEGIST)], sync_to_thread=True)
def notice_list(
    request: AnyRequest,
    reg: Registry,
    me: Principal,
    hinweis: str | None = None,
    anzahl: int = 0,
) -> Template:
    text = message_for(hinweis)
    if hinweis == "bestaetigt" and anzahl > 1:
        text = f"{anzahl} Hinweise sind bestätigt."
    return _notice_page(request, reg, me, message=text)


@post(
    "/notices/acknowledge",
    guards=[allow(OFFICER, STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def notices_acknowledge(
    request: AnyRequest, reg: Registry, me: Principal, data: Form
) -> Response[Any]:
    """Several notices at once (issue 17, item 7): the rows checked, or all shown."""
    chosen = values(data, "shown" if value(data, "scope") == "all" else "notices")
    try:
        done = notice_service.acknowledge_many(reg, me, chosen)
    except InvalidInput as exc:
        errors = Errors(anchors={"notices"}, default="notices").extend(exc.problems)
        return _notice_page(request, reg, me, status_code=422, errors=errors, form=data)
    count = len(done["acknowledged"]) + done["already"]
    return see_other(f"/notices?hinweis=bestaetigt&anzahl={count}")


@post(
    "/notices/{notice_id:str}/acknowledge",
    guards=[allow(OFFICER, STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def notice_acknowledge(
    request: AnyRequest, reg: Registry, me: Principal, notice_id: str
) -> Response[Any]:
    notice_service.acknowledge(reg, me, notice_id)
    return see_other("/notices?hinweis=bestaetigt")


# --------------------------------------------------------------------------- announcements

ANNOUNCEMENT_ANCHORS = {"carriers", "target_groups", "state", "districts", "text", "open_until"}


@get("/announcements", sync_to_thread=True)
def announcement_list(
    request: AnyRequest,
    reg: Registry,
    me: Principal,
    alle: bool = False,
    hinweis: str | None = None,
) -> Template:
    confirming = me.carrier if me.role in (OFFICER, STRATEGIST) else None
    items = list_announcements(reg, open_only=not alle, carrier=confirming)
    items.sort(key=lambda a: a["created_at"], reverse=True)
    return page(
        request,
        "announcements.html",
        title="Bekanntmachungen",
        items=items,
        show_all=alle,
        may_publish=me.role in (OFFICER, STRATEGIST),
        my_carrier=confirming or "",
        message=message_for(hinweis),
    )


@post(
    "/announcements/{announcement_id:str}/confirm",
    guards=[allow(OFFICER, STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def announcement_confirm(
    request: AnyRequest, reg: Registry, me: Principal, announcement_id: str
) -> Response[Any]:
    """A12, N4: a named carrier confirms its part; the last confirmation publishes it."""
    confirm_announcement(reg, me, announcement_id)
    return see_other("/announcements?hinweis=beteiligung")


def _announcement_form(
    request: AnyRequest, form: FormData, *, status_code: int = 200, errors: Errors | None = None
) -> Template:
    ref = current_registry(request).reference
    return page(
        request,
        "announcement_form.html",
        status_code=status_code,
        title="Bekanntmachung veröffentlichen",
        form=form,
        errors=errors or Errors(),
        carrier_list=ref.carriers,
        target_group_list=ref.target_groups,
        states=ref.states(),
    )


@get("/announcements/new", guards=[allow(OFFICER, STRATEGIST)], sync_to_thread=True)
def announcement_new(request: AnyRequest, reg: Registry, me: Principal) -> Template:
    """A12; from a coverage gap (N6, N7) the form comes pre-filled with the target group and
    the district(s) of the gap (``?target_group=…&district=…``)."""
    query = request.query_params
    known = {t.code for t in reg.reference.target_groups}
    groups = [g for g in query.getall("target_group", []) if g in known]
    districts = [
        reg.reference.districts_by_key[k]
        for k in query.getall("district", [])
        if k in reg.reference.districts_by_key
    ][:50]
    form: dict[str, Any] = {"carriers": [me.carrier or ""]}
    if groups:
        form["target_groups"] = groups
    if districts:
        form["districts"] = [d.key for d in districts]
        labels_ = ", ".join(target_group_label(reg, g) for g in groups) or "Fallmanagement"
        names = ", ".join(d.name for d in districts)
        form["text"] = (
            f"Die {carrier_name(reg, me.carrier)} sucht zugelassene Anbieter von Fallmanagement "
            f"für die Zielgruppe {labels_} in {names}. Bitte stellen Sie Ihren Antrag auf "
            "Zulassung über das Register."
        )
    return _announcement_form(request, form)


@post(
    "/announcements/new",
    guards=[allow(OFFICER, STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def announcement_create(
    request: AnyRequest, reg: Registry, me: Principal, data: Form
) -> Response[Any]:
    from registry.api.schemas import AnnouncementIn

    if searching(data):  # a picker's "Suchen" without JavaScript: show the matches, publish nothing
        return _announcement_form(request, data)
    errors = Errors(anchors=ANNOUNCEMENT_ANCHORS, default="text")
    body = {
        "carriers": values(data, "carriers"),
        "target_groups": values(data, "target_groups"),
        "districts": chosen_codes(data, "districts"),
        "state": value(data, "state"),
        "text": value(data, "text"),
        "open_until": value(data, "open_until"),
    }
    try:
        parsed = AnnouncementIn.model_validate(body)
    except ValidationError as exc:
        errors.extend(problems_of(exc))
    else:
        try:
            create_announcement(reg, me, parsed.model_dump())
        except InvalidInput as exc:
            errors.extend(exc.problems)
        else:
            return see_other("/announcements?hinweis=veroeffentlicht")
    return _announcement_form(request, data, status_code=422, errors=errors)


def handlers() -> list[Any]:
    return [
        notice_list,
        notices_acknowledge,
        notice_acknowledge,
        announcement_list,
        announcement_confirm,
        announcement_new,
        announcement_create,
    ]
