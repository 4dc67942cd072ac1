"""The network area's repository: the only code naming the queries of ``network.cypher``.

Partners (N1) with the carriers that work with them, the target groups they serve and their
sites; agreements (N2–N5) with their parties, partners, scope and superseded versions; the
admitted sites coverage counts (N6); unmet need (N7); and the walks of ``GET /network/around``.

Rows are typed read models (``TypedDict``: the use cases index them like the rows they were).
List-valued associations come back in no particular order; the use cases sort them.
:class:`InMemoryNetworkRepository` is the fake of the same interface for use-case tests
(``tests/service/``); it lives in :mod:`registry.network.in_memory` (this module would
be over 600 lines with it).
"""

from __future__ import annotations

from typing import TypedDict, cast

from registry.graph.repository import Repository

# --------------------------------------------------------------------------- read models


class PartnerValues(TypedDict):
    """A partner as written (create or update); ``contacts`` is its JSON text."""

    id: str
    name: str
    type: str
    services: list[str]
    target_groups: list[str]
    carriers: list[str]
    contacts: str
    active: bool


class PartnerRow(TypedDict):
    """``get_partner``, ``partners_by_ids``, ``list_partners``."""

    id: str
    name: str
    type: str
    services: list[str]
    target_groups: list[str]
    carriers: list[str]
    contacts: str
    active: bool
    version: int
    changed_at: str


class PartnerSiteRow(TypedDict):
    """A partner's site as read (``sites_of_partners``) and as written."""

    id: str
    partner_id: str
    name: str
    street: str
    postal_code: str
    place: str
    district_key: str
    lat: float
    lon: float
    service_radius_km: float


class PartnerSiteDocumentRow(TypedDict):
    """The facts of one partner site's search document (E7, ``partner_site_documents``)."""

    id: str
    partner_id: str
    name: str
    type: str
    site_name: str
    services: list[str]
    target_groups: list[str]
    lat: float
    lon: float
    service_radius_km: float
    street: str
    postal_code: str
    place: str
    contacts: str
    active: bool


class AgreementValues(TypedDict):
    """An agreement as written; dates are ISO text ('' for none), ``contents`` JSON text.
    ``scope_districts`` apply to level "districts", ``scope_state`` to level "state".
    ``carriers`` are its parties (PARTY_TO), ``invited`` the carriers named on it that have not
    yet accepted (INVITED_TO, rule N4); no carrier is in both."""

    id: str
    kind: str
    purpose: str
    title: str
    carriers: list[str]
    invited: list[str]
    partners: list[str]
    scope_level: str
    scope_districts: list[str]
    scope_state: str
    valid_from: str
    valid_until: str
    contents: str
    status: str
    version: int
    override_reason: str
    next_review: str
    activated_on: str


class AgreementRow(AgreementValues):
    """Every read of an agreement: its values plus bookkeeping. ``rev`` changes with every
    save (optimistic locking); ``created_by_carrier`` and ``scope_state`` are '' if none."""

    created_at: str
    created_by_carrier: str
    rev: str
    changed_at: str
    status_reason: str


class StandingRow(TypedDict):
    """How one carrier stands to one agreement (``carrier_standing``): the agreement's id where
    the carrier is a party or invited, '' where not."""

    party_to: str
    invited_to: str


class AgreementPartyRow(TypedDict):
    """A carrier named on an agreement: ``status`` "party" or "invited", ``since`` ISO time."""

    carrier: str
    status: str
    since: str


class AgreementVersionRow(TypedDict):
    """A superseded version (N5): its JSON snapshot, when it was superseded and by whom."""

    version: int
    snapshot: str
    at: str
    actor: str


class AdmittedSiteRow(TypedDict):
    """An admitted site of an active provider for one group, with the admission's review
    date (one row per admission)."""

    id: str
    lat: float
    lon: float
    district_key: str
    catchment_radius_km: float
    review_due: str


class UnmetNeedRow(TypedDict):
    carrier: str
    district_key: str
    target_groups: list[str]
    on_date: str
    language: str
    outreach: bool
    barrier_free: bool


class AroundSiteRow(TypedDict):
    """An admitted site for the group with its provider and one issuing carrier ('' if the
    follow-on admission is still awaited)."""

    site_id: str
    site_name: str
    provider_id: str
    provider_name: str
    carrier: str


class AroundAgreementRow(TypedDict):
    """An active agreement covering a district, once per partner serving the group."""

    id: str
    title: str
    status: str
    valid_from: str
    valid_until: str
    partner_id: str
    partner_name: str
    carriers: list[str]


# --------------------------------------------------------------------------- the repository


class NetworkRepository(Repository):
    """The queries of ``network.cypher``. Writes run on a unit of work; a method that writes
    a node and its associations runs all of its queries in that one unit of work."""

    # -- partners (N1) ----------------------------------------------------------------------

    def create_partner(
        self, partner: PartnerValues, *, sites: list[PartnerSiteRow], now: str
    ) -> None:
        """A new partner with its carriers, target groups and sites."""
        self._rows("network.create_partner", **partner, now=now)
        self._link_partner(partner)
        if sites:
            self._rows("network.create_partner_sites", rows=sites)

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
        """Save a partner still at ``version``, its associations and its sites (kept ones
        changed, possibly moved to another district; unlisted ones removed). False, with
        nothing written, if somebody changed it meanwhile."""
        if not self._rows("network.update_partner", **partner, version=version, now=now):
            return False
        self._link_partner(partner)
        if removed_site_ids:
            self._rows(
                "network.delete_partner_sites", ids=removed_site_ids, partner_id=partner["id"]
            )
        if kept_sites:
            self._rows("network.update_partner_sites", rows=kept_sites)
            self._rows("network.unlink_partner_site_districts", rows=kept_sites)
            self._rows("network.link_partner_site_districts", rows=kept_sites)
        if new_sites:
            self._rows("network.create_partner_sites", rows=new_sites)
        return True

    def _link_partner(self, partner: PartnerValues) -> None:
        """The carriers (WORKS_WITH) and target groups (SERVES) become exactly the listed."""
        pid, carriers, groups = partner["id"], partner["carriers"], partner["target_groups"]
        self._rows("network.unlink_partner_carriers", id=pid, carriers=carriers)
        self._rows("network.link_partner_carriers", id=pid, carriers=carriers)
        self._rows("network.unlink_partner_groups", id=pid, target_groups=groups)
        self._rows("network.link_partner_groups", id=pid, target_groups=groups)

    def get_partner(self, partner_id: str) -> PartnerRow | None:
        return cast(PartnerRow | None, self._one("network.get_partner", id=partner_id))

    def partners_by_ids(self, ids: list[str]) -> list[PartnerRow]:
        """The partners among ``ids`` that exist, by name."""
        return cast(list[PartnerRow], self._rows("network.partners_by_ids", ids=ids))

    def list_partners(self, *, type: str = "", carrier: str = "") -> list[PartnerRow]:  # noqa: A002
        """All partners by name; ``type`` and ``carrier`` ('' for any) filter exactly."""
        rows = self._rows("network.list_partners", type=type, carrier=carrier)
        return cast(list[PartnerRow], rows)

    def sites_of_partners(self, partner_ids: list[str]) -> list[PartnerSiteRow]:
        """The sites of the partners, by partner, name and id."""
        rows = self._rows("network.sites_of_partners", partner_ids=partner_ids)
        return cast(list[PartnerSiteRow], rows)

    def partner_site_ids(self) -> list[str]:
        """Every partner site (to rebuild the partner search)."""
        return [str(r["id"]) for r in self._rows("network.partner_site_ids")]

    def partner_site_documents(self, ids: list[str]) -> list[PartnerSiteDocumentRow]:
        rows = self._rows("network.partner_site_documents", ids=ids)
        return cast(list[PartnerSiteDocumentRow], rows)

    # -- agreements (N2–N5) -----------------------------------------------------------------

    def create_agreement(
        self, agreement: AgreementValues, *, created_by_carrier: str, rev: str, now: str
    ) -> None:
        """A new agreement with its creator, parties, partners and scope."""
        self._rows("network.create_agreement", **agreement, now=now, rev=rev, status_reason="")
        self._rows(
            "network.link_agreement_creator",
            id=agreement["id"],
            created_by_carrier=created_by_carrier,
        )
        self._link_agreement(agreement, now)

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
        """Save the agreement if its rev is still ``old_rev`` (False otherwise, nothing
        written); ``links``: its parties, partners and scope are redrawn too (an edit)."""
        if not self._rows(
            "network.save_agreement",
            **agreement,
            old_rev=old_rev,
            rev=rev,
            now=now,
            status_reason=status_reason,
        ):
            return False
        if links:
            self._link_agreement(agreement, now)
        return True

    def _link_agreement(self, agreement: AgreementValues, now: str) -> None:
        """Parties (PARTY_TO) and invitations (INVITED_TO; one that stays keeps its
        ``since``), partners (WITH_PARTNER) and scope (COVERS districts or a state) become
        exactly the listed ones. An accepted invitation becomes a party from ``now``."""
        aid, state = agreement["id"], agreement["scope_state"]
        invited = agreement["invited"]
        self._rows("network.unlink_agreement_invitations", id=aid, invited=invited)
        self._rows("network.unlink_agreement_carriers", id=aid, carriers=agreement["carriers"])
        self._rows(
            "network.link_agreement_carriers", id=aid, carriers=agreement["carriers"], now=now
        )
        self._rows("network.link_agreement_invitations", id=aid, invited=invited, now=now)
        self._rows("network.unlink_agreement_partners", id=aid, partners=agreement["partners"])
        self._rows("network.link_agreement_partners", id=aid, partners=agreement["partners"])
        districts = agreement["scope_districts"]
        self._rows("network.unlink_agreement_districts", id=aid, scope_districts=districts)
        self._rows("network.link_agreement_districts", id=aid, scope_districts=districts)
        self._rows("network.unlink_agreement_state", id=aid, scope_state=state)
        if state:
            self._rows("network.link_agreement_state", id=aid, scope_state=state)

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
        """Keep a superseded version (N5), linked to the user who superseded it if any."""
        self._rows(
            "network.create_agreement_version",
            id=id,
            agreement_id=agreement_id,
            version=version,
            snapshot=snapshot,
            at=at,
        )
        if author:
            self._rows("network.link_agreement_version_author", id=id, actor=author)

    def get_agreement(self, agreement_id: str) -> AgreementRow | None:
        return cast(AgreementRow | None, self._one("network.get_agreement", id=agreement_id))

    def carrier_standing(self, *, agreement_id: str, carrier: str) -> StandingRow:
        """Rule N4: whether the carrier is a party to the agreement or invited to it, read from
        the carrier's own relationships (one traversal)."""
        row = self._one("network.carrier_standing", id=agreement_id, carrier=carrier)
        if row is None:  # no such carrier
            return {"party_to": "", "invited_to": ""}
        return {"party_to": str(row["party_to"]), "invited_to": str(row["invited_to"])}

    def agreement_parties(self, agreement_id: str) -> list[AgreementPartyRow]:
        """Every carrier named on the agreement with its status and since when, by carrier."""
        rows = self._rows("network.agreement_parties", id=agreement_id)
        return sorted(cast(list[AgreementPartyRow], rows), key=lambda r: r["carrier"])

    def list_agreements(self, *, status: str = "") -> list[AgreementRow]:
        """All agreements ('' for any status), newest first."""
        return cast(list[AgreementRow], self._rows("network.list_agreements", status=status))

    def agreements_of_carrier(self, *, carrier: str, statuses: list[str]) -> list[AgreementRow]:
        """The agreements the carrier is a party to, in the given statuses."""
        rows = self._rows("network.agreements_of_carrier", carrier=carrier, statuses=statuses)
        return cast(list[AgreementRow], rows)

    def agreements_in_status(self, statuses: list[str]) -> list[AgreementRow]:
        rows = self._rows("network.agreements_in_status", statuses=statuses)
        return cast(list[AgreementRow], rows)

    def agreements_past_end(self, *, today: str) -> list[AgreementRow]:
        """Active or suspended agreements whose last valid day lies before ``today`` (N5)."""
        return cast(list[AgreementRow], self._rows("network.agreements_past_end", today=today))

    def agreement_versions(self, agreement_id: str) -> list[AgreementVersionRow]:
        """The superseded versions, oldest first."""
        rows = self._rows("network.agreement_versions", agreement_id=agreement_id)
        return cast(list[AgreementVersionRow], rows)

    # -- coverage (N6), unmet need (N7), who serves a district ------------------------------

    def admitted_sites_for_group(self, target_group: str) -> list[AdmittedSiteRow]:
        rows = self._rows("network.admitted_sites_for_group", target_group=target_group)
        return cast(list[AdmittedSiteRow], rows)

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
        self._rows(
            "network.create_unmet_need",
            id=id,
            carrier=carrier,
            district_key=district_key,
            on_date=on_date,
            language=language,
            outreach=outreach,
            barrier_free=barrier_free,
        )
        self._rows("network.link_unmet_need_groups", id=id, target_groups=target_groups)

    def unmet_need_counts(self, target_group: str) -> dict[str, int]:
        """Recorded unmet needs for the group, by district key."""
        rows = self._rows("network.unmet_need_counts", target_group=target_group)
        return {str(r["district_key"]): int(r["n"]) for r in rows}

    def unmet_needs(self, *, since: str = "") -> list[UnmetNeedRow]:
        """Every recorded unmet need (on or after ``since`` unless '')."""
        return cast(list[UnmetNeedRow], self._rows("network.unmet_needs", since=since))

    def around_sites(self, *, site_ids: list[str], target_group: str) -> list[AroundSiteRow]:
        """Of the given sites, those admitted for the group with providers and issuers."""
        rows = self._rows("network.around_sites", site_ids=site_ids, target_group=target_group)
        return cast(list[AroundSiteRow], rows)

    def around_agreements(self, *, district: str, target_group: str) -> list[AroundAgreementRow]:
        """Active agreements covering the district (it, its state, national) with the active
        partners serving the group; by agreement and partner."""
        rows = self._rows("network.around_agreements", district=district, target_group=target_group)
        return cast(list[AroundAgreementRow], rows)
