"""Open data export of the directory as Open Referral HSDS 3.0 (issue 9, item 7)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get

from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.directory import hsds

DESCRIPTION = """\
Der öffentliche Teil des Verzeichnisses als Open-Referral-Export
([HSDS 3.0](https://docs.openreferral.org/en/3.0/)): ein JSON-Dokument mit je einem Array pro
HSDS-Tabelle; jedes Objekt ist gültig gegen das HSDS-3.0-JSON-Schema seiner Tabelle.

* `organizations` (HSDS `organization`): zugelassene, aktive Leistungserbringer mit E-Mail,
  Telefon und Website;
* `locations` (`location` mit `addresses`, `phones`, `languages`, `accessibility`,
  `schedules`): ihre aktiven Standorte mit mindestens einer Zulassung;
* `services` (`service`): je Leistungserbringer und zugelassener Zielgruppe ein Angebot, über
  `attributes` mit dem Taxonomie-Begriff der Zielgruppe verknüpft;
* `service_at_locations` (`service_at_location`): je Standort und zugelassener Zielgruppe;
* `taxonomies` / `taxonomy_terms`: die Zielgruppen als Taxonomie;
* `hsds_version`, `generated_at`: Version und Erstellungszeitpunkt.

Nie enthalten: Fallmanagerinnen und Fallmanager oder andere Personen, Anträge, Prüfergebnisse,
Bescheide, Benutzerkonten; ruhende, widerrufene oder abgelehnte Zielgruppen.
Die Kennungen sind UUIDs (Version 5), stabil aus den Kennungen des Registers abgeleitet.
"""


class HsdsController(Controller):
    path = "/api/v1/directory/export"
    tags = ["Verzeichnis"]

    @get(
        "/hsds",
        operation_id="exportDirectoryHsds",
        summary="Verzeichnis als Open-Referral-Export (HSDS 3.0)",
        description=DESCRIPTION,
        guards=[allow(*hsds.EXPORT_ROLES)],
        sync_to_thread=True,
    )
    def export(self, reg: Registry, me: Principal) -> dict[str, Any]:
        return hsds.export_hsds(reg, me)
