"""The carrier overview (E8, form K 5077): the admitted providers valid in a carrier's region by
target group, with links to the API's CSV and PDF of the same data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from litestar import get
from litestar.response import Template

from portal.base import ADMIN, CASE_MANAGER, OFFICER, READER, STRATEGIST, AnyRequest, page
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.directory import service as directory


@get(
    "/overview",
    guards=[allow(OFFICER, CASE_MANAGER, READER, STRATEGIST, ADMIN)],
    sync_to_thread=True,
)
def overview_page(request: AnyRequest, reg: Registry, me: Principal, carrier: str = "") -> Template:
    """E8: the admitted providers valid in the carrier's region, by target group (K 5077),
    with the same data as CSV and PDF from the API (which accepts the session for GET)."""
    known = carrier if carrier in reg.reference.carriers_by_id else ""
    # §9: a directory reader serves insured persons of every carrier: it picks the carrier
    chooses = me.carrier is None or me.role is READER
    carrier_id = (known or me.carrier or "") if me.role is READER else (me.carrier or known)
    data = directory.overview(reg, me, carrier_id) if carrier_id else None
    query = urlencode({"carrier": carrier_id}) if carrier_id else ""
    return page(
        request,
        "overview.html",
        title="Übersicht der zugelassenen Anbieter",
        data=data,
        carrier_id=carrier_id,
        query=query,
        carrier_list=reg.reference.carriers if chooses else [],
    )


def handlers() -> Sequence[Any]:
    return [overview_page]
