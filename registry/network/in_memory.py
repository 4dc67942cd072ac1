"""An in-memory fake of :class:`~registry.network.repository.NetworkRepository`.

Plain dicts, for use-case tests without a database (``tests/service/``). Where the graph
walks (coverage's admitted sites, who serves a district), the fake computes the same answer
from its dicts. Admissions belong to another area: a test adds the ones it needs with
:meth:`InMemoryNetworkRepository.admit_site`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from registry.network.repository import (
    AdmittedSiteRow,
    AgreementPartyRow,
    AgreementRow,
    AgreementValues,
    AgreementVersionRow,
    AroundAgreementRow,
    AroundSiteRow,
    NetworkRepository,
    PartnerRow,
    PartnerSiteDocumentRow,
    PartnerSiteRow,
    PartnerValues,
    StandingRow,
    UnmetNeedRow,
)


@dataclass
class FakeAdmission:
    """What the graph knows of an admission of a site for a group (provider and site active
    unless said otherwise)."""

    site_id: str
    target_group: str
    lat: float
    lon: float
    district_key: str
    catchment_radius_km: float = 30.0
    review_due: str = ""
    site_name: str = ""
    provider_id: str = ""
    provider_name: str = ""
    issued_by: str = ""
    status: str = "admitted"
    active: bool = True


class InMemoryNetworkRepository(NetworkRepository):
    def __init__(self, district_states: Mapping[str, str] | None = None) -> None:
        # no unit of work behind a fake: the base's runner is never used
        self.partners: dict[str, PartnerRow] = {}
        self.sites: dict[str, PartnerSiteRow] = {}
        self.agreements: dict[str, AgreementRow] = {}
        self.party_since: dict[tuple[str, str], str] = {}  # (agreement, carrier) -> since
        self.invited_since: dict[tuple[str, str], str] = {}  # rule N4: not yet accepted
        self.versions: dict[str, list[AgreementVersionRow]] = {}
        self.version_ids: set[str] = set()
        self.admissions: list[FakeAdmission] = []
        self.unmet: dict[str, UnmetNeedRow] = {}
        self._district_states = district_states

    # -- helpers of tests -------------------------------------------------------------------

    def admit_site(self, admission: FakeAdmission) -> None:
        self.admissions.append(admission)

    def _state_of(self, district: str) -> str:
        if self._district_states is None:
            from registry.reference import load_reference

            self._district_states = {d.key: d.state for d in load_reference().districts}
        return self._district_states.get(district, "")

    # -- partners ---------------------------------------------------------------------------

    def create_partner(
        self, partner: PartnerValues, *, sites: list[PartnerSiteRow], now: str
    ) -> None:
        self.partners[partner["id"]] = _partner_row(partner, version=1, now=now)
        for site in sites:
            self.sites[site["id"]] = PartnerSiteRow(**site)

    def update_partner(
        self,
        partner: PartnerValues,
        *,
        version: int,
        now: str,
        removed_site_ids: list[str],
        kept_sites: list[PartnerSiteRow],
        new_sites: list[PartnerSiteRow],
    ) -> bool:
        current = self.partners.get(partner["id"])
        if current is None or current["version"] != version:
            return False
        self.partners[partner["id"]] = _partner_row(partner, version=version + 1, now=now)
        for site_id in removed_site_ids:
            site = self.sites.get(site_id)
            if site is not None and site["partner_id"] == partner["id"]:
                del self.sites[site_id]
        for site in [*kept_sites, *new_sites]:
            self.sites[site["id"]] = PartnerSiteRow(**site)
        return True

    def get_partner(self, partner_id: str) -> PartnerRow | None:
        found = self.partners.get(partner_id)
        return _copy_partner(found) if found is not None else None

    def partners_by_ids(self, ids: list[str]) -> list[PartnerRow]:
        found = [self.partners[i] for i in dict.fromkeys(ids) if i in self.partners]
        return [_copy_partner(p) for p in sorted(found, key=lambda p: (p["name"], p["id"]))]

    def list_partners(self, *, type: str = "", carrier: str = "") -> list[PartnerRow]:  # noqa: A002
        found = [
            p
            for p in self.partners.values()
            if (not type or p["type"] == type) and (not carrier or carrier in p["carriers"])
        ]
        return [_copy_partner(p) for p in sorted(found, key=lambda p: (p["name"], p["id"]))]

    def sites_of_partners(self, partner_ids: list[str]) -> list[PartnerSiteRow]:
        wanted = set(partner_ids)
        found = [PartnerSiteRow(**s) for s in self.sites.values() if s["partner_id"] in wanted]
        return sorted(found, key=lambda s: (s["partner_id"], s["name"], s["id"]))

    def partner_site_ids(self) -> list[str]:
        return sorted(self.sites)

    def partner_site_documents(self, ids: list[str]) -> list[PartnerSiteDocumentRow]:
        out: list[PartnerSiteDocumentRow] = []
        for site_id in ids:
            site = self.sites.get(site_id)
            partner = self.partners.get(site["partner_id"]) if site else None
            if site is None or partner is None:
                continue
            out.append(
                {
                    "id": site["id"],
                    "partner_id": partner["id"],
                    "name": partner["name"],
                    "type": partner["type"],
                    "site_name": site["name"],
                    "services": list(partner["services"]),
                    "target_groups": list(partner["target_groups"]),
                    "lat": site["lat"],
                    "lon": site["lon"],
                    "service_radius_km": site["service_radius_km"],
                    "street": site["street"],
                    "postal_code": site["postal_code"],
                    "place": site["place"],
                    "contacts": partner["contacts"],
                    "active": partner["active"],
                }
            )
        return out

    # -- agreements -------------------------------------------------------------------------

    def create_agreement(
        self, agreement: AgreementValues, *, created_by_carrier: str, rev: str, now: str
    ) -> None:
        self.agreements[agreement["id"]] = _agreement_row(
            agreement,
            created_at=now,
            created_by_carrier=created_by_carrier,
            rev=rev,
            changed_at=now,
            status_reason="",
        )
        self._parties(agreement, now)

    def save_agreement(
        self,
        agreement: AgreementValues,
        *,
        old_rev: str,
        rev: str,
        now: str,
        status_reason: str,
        links: bool = False,
    ) -> bool:
        current = self.agreements.get(agreement["id"])
        if current is None or current["rev"] != old_rev:
            return False
        saved = _agreement_row(
            agreement,
            created_at=current["created_at"],
            created_by_carrier=current["created_by_carrier"],
            rev=rev,
            changed_at=now,
            status_reason=status_reason,
        )
        if not links:  # the associations stay as they were
            for key in ("carriers", "invited", "partners", "scope_districts", "scope_state"):
                saved[key] = current[key]
        self.agreements[agreement["id"]] = saved
        if links:
            self._parties(agreement, now)
        return True

    def _parties(self, agreement: AgreementValues, now: str) -> None:
        aid = agreement["id"]
        for since, listed in (
            (self.party_since, agreement["carriers"]),
            (self.invited_since, agreement["invited"]),
        ):
            for key in [k for k in since if k[0] == aid]:
                if key[1] not in listed:
                    del since[key]
            for carrier in listed:
                since.setdefault((aid, carrier), now)

    def add_agreement_version(
        self,
        *,
        id: str,  # noqa: A002 - the stored field's name
        agreement_id: str,
        version: int,
        snapshot: str,
        at: str,
        author: str,
    ) -> None:
        if agreement_id not in self.agreements:
            return
        self.version_ids.add(id)
        row: AgreementVersionRow = {
            "version": version,
            "snapshot": snapshot,
            "at": at,
            "actor": author,
        }
        self.versions.setdefault(agreement_id, []).append(row)

    def get_agreement(self, agreement_id: str) -> AgreementRow | None:
        found = self.agreements.get(agreement_id)
        return _copy_agreement(found) if found is not None else None

    def carrier_standing(self, *, agreement_id: str, carrier: str) -> StandingRow:
        return {
            "party_to": agreement_id if (agreement_id, carrier) in self.party_since else "",
            "invited_to": agreement_id if (agreement_id, carrier) in self.invited_since else "",
        }

    def agreement_parties(self, agreement_id: str) -> list[AgreementPartyRow]:
        rows: list[AgreementPartyRow] = [
            {"carrier": carrier, "status": status, "since": since}
            for status, table in (("party", self.party_since), ("invited", self.invited_since))
            for (aid, carrier), since in table.items()
            if aid == agreement_id
        ]
        return sorted(rows, key=lambda r: r["carrier"])

    def list_agreements(self, *, status: str = "") -> list[AgreementRow]:
        found = sorted(
            (a for a in self.agreements.values() if not status or a["status"] == status),
            key=lambda a: a["id"],
        )
        found.sort(key=lambda a: a["created_at"], reverse=True)
        return [_copy_agreement(a) for a in found]

    def agreements_of_carrier(self, *, carrier: str, statuses: list[str]) -> list[AgreementRow]:
        return [
            _copy_agreement(a)
            for a in self.agreements.values()
            if carrier in a["carriers"] and a["status"] in statuses
        ]

    def agreements_in_status(self, statuses: list[str]) -> list[AgreementRow]:
        return [_copy_agreement(a) for a in self.agreements.values() if a["status"] in statuses]

    def agreements_past_end(self, *, today: str) -> list[AgreementRow]:
        return [
            _copy_agreement(a)
            for a in self.agreements.values()
            if a["status"] in ("active", "suspended")
            and a["valid_until"] != ""
            and a["valid_until"] < today
        ]

    def agreement_versions(self, agreement_id: str) -> list[AgreementVersionRow]:
        rows = self.versions.get(agreement_id, [])
        return [AgreementVersionRow(**v) for v in sorted(rows, key=lambda v: v["version"])]

    # -- coverage, unmet need, who serves a district ----------------------------------------

    def admitted_sites_for_group(self, target_group: str) -> list[AdmittedSiteRow]:
        return [
            {
                "id": m.site_id,
                "lat": m.lat,
                "lon": m.lon,
                "district_key": m.district_key,
                "catchment_radius_km": m.catchment_radius_km,
                "review_due": m.review_due,
            }
            for m in self.admissions
            if m.target_group == target_group and m.status == "admitted" and m.active
        ]

    def record_unmet_need(
        self,
        *,
        id: str,  # noqa: A002 - the stored field's name
        carrier: str,
        district_key: str,
        on_date: str,
        target_groups: list[str],
        language: str = "",
        outreach: bool = False,
        barrier_free: bool = False,
    ) -> None:
        self.unmet[id] = {
            "carrier": carrier,
            "district_key": district_key,
            "target_groups": list(dict.fromkeys(target_groups)),
            "on_date": on_date,
            "language": language,
            "outreach": outreach,
            "barrier_free": barrier_free,
        }

    def unmet_need_counts(self, target_group: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for need in self.unmet.values():
            if target_group in need["target_groups"]:
                counts[need["district_key"]] = counts.get(need["district_key"], 0) + 1
        return counts

    def unmet_needs(self, *, since: str = "") -> list[UnmetNeedRow]:
        return [
            UnmetNeedRow(**{**n, "target_groups": list(n["target_groups"])})
            for n in self.unmet.values()
            if not since or n["on_date"] >= since
        ]

    def around_sites(self, *, site_ids: list[str], target_group: str) -> list[AroundSiteRow]:
        wanted = set(site_ids)
        return [
            {
                "site_id": m.site_id,
                "site_name": m.site_name,
                "provider_id": m.provider_id,
                "provider_name": m.provider_name,
                "carrier": m.issued_by,
            }
            for m in self.admissions
            if m.site_id in wanted and m.target_group == target_group and m.status == "admitted"
        ]

    def around_agreements(self, *, district: str, target_group: str) -> list[AroundAgreementRow]:
        state = self._state_of(district)
        out: list[AroundAgreementRow] = []
        for a in self.agreements.values():
            covers = (
                a["scope_level"] == "national"
                or district in a["scope_districts"]
                or (bool(a["scope_state"]) and a["scope_state"] == state)
            )
            if a["status"] != "active" or not covers:
                continue
            for pid in a["partners"]:
                p = self.partners.get(pid)
                if p is None or not p["active"] or target_group not in p["target_groups"]:
                    continue
                out.append(
                    {
                        "id": a["id"],
                        "title": a["title"],
                        "status": a["status"],
                        "valid_from": a["valid_from"],
                        "valid_until": a["valid_until"],
                        "partner_id": pid,
                        "partner_name": p["name"],
                        "carriers": list(a["carriers"]),
                    }
                )
        return sorted(out, key=lambda r: (r["id"], r["partner_id"]))


def _partner_row(partner: PartnerValues, *, version: int, now: str) -> PartnerRow:
    return {
        "id": partner["id"],
        "name": partner["name"],
        "type": partner["type"],
        "services": list(partner["services"]),
        "target_groups": list(dict.fromkeys(partner["target_groups"])),
        "carriers": list(dict.fromkeys(partner["carriers"])),
        "contacts": partner["contacts"],
        "active": partner["active"],
        "version": version,
        "changed_at": now,
    }


def _copy_partner(p: PartnerRow) -> PartnerRow:
    return cast(
        PartnerRow,
        {
            **p,
            "services": list(p["services"]),
            "target_groups": list(p["target_groups"]),
            "carriers": list(p["carriers"]),
        },
    )


def _agreement_row(
    a: AgreementValues,
    *,
    created_at: str,
    created_by_carrier: str,
    rev: str,
    changed_at: str,
    status_reason: str,
) -> AgreementRow:
    row = cast(AgreementRow, _copy_lists(dict(a)))
    row["created_at"] = created_at
    row["created_by_carrier"] = created_by_carrier
    row["rev"] = rev
    row["changed_at"] = changed_at
    row["status_reason"] = status_reason
    return row


def _copy_agreement(a: AgreementRow) -> AgreementRow:
    return cast(AgreementRow, _copy_lists(dict(a)))


def _copy_lists(row: dict[str, object]) -> dict[str, object]:
    for key in ("carriers", "invited", "partners", "scope_districts"):
        row[key] = list(dict.fromkeys(cast(list[str], row.get(key) or [])))
    return row
