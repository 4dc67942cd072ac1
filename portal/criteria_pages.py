"""Rule Q0 in the portal: the national criteria setting (``/admin/criteria``).

Every admin sees it; only a national admin (an admin without a carrier) changes it. The carrier
profile page shows it read-only. People see what each rule checks, never its code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Response, get, post
from litestar.response import Template

from portal import labels
from portal.base import AnyRequest, current_principal, current_registry, page, see_other
from portal.forms import Errors, Form, FormData, value
from registry.admission import national_criteria
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import InvalidInput

ADMIN = Role.ADMIN


def _page(
    request: AnyRequest,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
    message: str = "",
) -> Template:
    reg, me = current_registry(request), current_principal(request)
    current = national_criteria.get_criteria(reg, me)
    return page(
        request,
        "admin_criteria.html",
        status_code=status_code,
        title="Schweregrade der Kriterien",
        criteria=current,
        editable=not me.carrier,
        form=form if form is not None else {f"criteria.{r}": s for r, s in current.items()},
        errors=errors or Errors(),
        rule_labels=labels.CRITERIA_RULES,
        message=message,
    )


@get("/admin/criteria", guards=[allow(ADMIN)], sync_to_thread=True)
def admin_criteria(request: AnyRequest, hinweis: str | None = None) -> Template:
    message = "Die Schweregrade sind gespeichert." if hinweis == "gespeichert" else ""
    return _page(request, message=message)


@post("/admin/criteria", guards=[allow(ADMIN)], status_code=200, sync_to_thread=True)
def admin_criteria_save(
    request: AnyRequest, reg: Registry, me: Principal, data: Form
) -> Response[Any]:
    body = {
        key.removeprefix("criteria."): value(data, key)
        for key in data
        if key.startswith("criteria.") and value(data, key)
    }
    errors = Errors(anchors={"criteria", *(f"criteria.{r}" for r in body)}, default="criteria")
    try:
        national_criteria.put_criteria(reg, me, body)
    except InvalidInput as exc:
        errors.extend(exc.problems)
        return _page(request, form=data, errors=errors, status_code=422)
    return see_other("/admin/criteria?hinweis=gespeichert")


def handlers() -> Sequence[Any]:
    return [admin_criteria, admin_criteria_save]
