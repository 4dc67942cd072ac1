"""Rule Q0: the national criteria setting (API.md "Carrier profile": ``GET|PUT /criteria``).

Readable by every role; changed only by a national admin (an admin without a carrier: a carrier's
admin gets 403). The body is ``{"Q5": "advisory", …}``; a rule left out returns to its default;
an unknown rule or severity is 422 naming ``criteria.<rule>`` and rule Q0.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, put

from registry.admission import national_criteria
from registry.api.security import ANY_ROLE, allow
from registry.auth import Principal, Role
from registry.context import Registry


class CriteriaController(Controller):
    path = "/api/v1/criteria"
    tags = ["Referenzdaten"]

    @get("/", operation_id="getCriteria", guards=[allow(*ANY_ROLE)], sync_to_thread=True)
    def get_criteria(self, reg: Registry, me: Principal) -> dict[str, str]:
        return national_criteria.get_criteria(reg, me)

    @put("/", operation_id="putCriteria", guards=[allow(Role.ADMIN)], sync_to_thread=True)
    def put_criteria(self, reg: Registry, me: Principal, data: dict[str, Any]) -> dict[str, str]:
        return national_criteria.put_criteria(reg, me, data)
