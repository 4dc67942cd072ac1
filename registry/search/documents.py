"""The documents of the search read model: one per directory site, one per partner site.

Both are plain frozen dataclasses (standard library only) so that the eligibility rules
(`registry.directory.eligibility`) take exactly the type the index stores: one type, not two.
`to_dict` gives JSON-ready primitives (dates as ISO strings); `from_dict(to_dict(d)) == d`.

A directory document exists for every site that has at least one admitted target group
(`SiteDocument.has_admission`); the projection that builds them from the graph decides that.
`target_groups` is derived from `admissions` (admitted ones only) and is written by `to_dict`
for readers of the JSON, but never read back.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from registry.dates import day, iso

#: Admission status of a site for one target group, as issued by its responsible carrier.
ADMITTED = "admitted"
SUSPENDED = "suspended"
REVOKED = "revoked"
WITHDRAWN = "withdrawn"
AWAITING_FOLLOW_ON = "awaiting_follow_on"
PENDING = "pending"
REFUSED = "refused"
ADMISSION_STATUSES: tuple[str, ...] = (
    ADMITTED,
    SUSPENDED,
    REVOKED,
    WITHDRAWN,
    AWAITING_FOLLOW_ON,
    PENDING,
    REFUSED,
)

COUNSELLING_MODES: tuple[str, ...] = ("in_person", "home_visits", "phone", "video")


@lru_cache(maxsize=4096)
def target_group_text(codes: tuple[str, ...]) -> str:
    """Rule E3: the labels and everyday words of the admitted target groups ``codes``, which
    free text searches too ("Sucht", "Abhängigkeit" for addiction; the words are reference data,
    ``seed/reference/target_group_words.json``). A site never loses a search because the case
    manager typed what the person needs instead of the catalogue's label."""
    from registry.reference import load_reference

    groups = {t.code: t for t in load_reference().target_groups}
    parts: list[str] = []
    for code in codes:
        group = groups.get(code)
        if group is not None:
            parts.append(group.label)
            parts.extend(group.words)
    return "\n".join(parts)


def doc_key(doc_id: str) -> int:
    """A stable 63-bit integer for a document id (used as a fast-field key / Meilisearch id)."""
    digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


@dataclass(frozen=True, kw_only=True, slots=True)
class Address:
    street: str = ""
    postal_code: str = ""
    place: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"street": self.street, "postal_code": self.postal_code, "place": self.place}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Address:
        data = data or {}
        return cls(
            street=str(data.get("street") or ""),
            postal_code=str(data.get("postal_code") or ""),
            place=str(data.get("place") or ""),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class AdmissionState:
    """The state of one target group at one site, and the date of its last change."""

    status: str
    since: date | None = None

    def __post_init__(self) -> None:
        if self.status not in ADMISSION_STATUSES:
            raise ValueError(f"unknown admission status {self.status!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "since": iso(self.since) or None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AdmissionState:
        return cls(status=str(data["status"]), since=day(data.get("since")))


@dataclass(frozen=True, kw_only=True, slots=True)
class SiteDocument:
    """One site of a provider in the directory, with every fact the rules E1-E5 need."""

    id: str
    provider_id: str
    provider_name: str
    site_name: str = ""
    lat: float
    lon: float
    catchment_radius_km: float
    #: None or 0: the site offers no outreach.
    outreach_radius_km: float | None = None
    #: target group code -> admission state by the site's responsible carrier.
    admissions: Mapping[str, AdmissionState] = field(default_factory=dict)
    provider_active: bool = True
    site_active: bool = True
    provider_email: str | None = None
    provider_phone: str | None = None
    provider_website: str | None = None
    address: Address = field(default_factory=Address)
    district_key: str = ""
    responsible_carrier: str = ""
    languages: tuple[str, ...] = ()
    barrier_free: bool = False
    public_transport: bool = False
    opening_hours: str = ""
    #: subset of COUNSELLING_MODES
    counselling_modes: tuple[str, ...] = ()
    accepts_new_cases: bool = True
    waiting_time_weeks: int | None = None
    accessibility_notes: str = ""
    confirmed_on: date | None = None
    description: str = ""

    def __post_init__(self) -> None:
        _check_point(self.id, self.lat, self.lon)
        _check_radius(self.id, "catchment_radius_km", self.catchment_radius_km)
        if self.outreach_radius_km is not None:
            _check_radius(self.id, "outreach_radius_km", self.outreach_radius_km)

    @property
    def target_groups(self) -> tuple[str, ...]:
        """The admitted target groups, sorted."""
        return tuple(sorted(g for g, a in self.admissions.items() if a.status == ADMITTED))

    @property
    def has_admission(self) -> bool:
        """Whether the site belongs in the directory index at all."""
        return any(a.status == ADMITTED for a in self.admissions.values())

    @property
    def sort_name(self) -> str:
        return self.provider_name

    @property
    def search_text(self) -> str:
        """The free text that rule E3's text filter searches (see text_rule.TEXT_RULE)."""
        return "\n".join(
            (
                self.provider_name,
                self.site_name,
                self.address.place,
                self.description,
                self.accessibility_notes,
                target_group_text(self.target_groups),
            )
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "provider_id": self.provider_id,
            "provider_name": self.provider_name,
            "provider_email": self.provider_email,
            "provider_phone": self.provider_phone,
            "provider_website": self.provider_website,
            "provider_active": self.provider_active,
            "site_name": self.site_name,
            "site_active": self.site_active,
            "address": self.address.to_dict(),
            "district_key": self.district_key,
            "responsible_carrier": self.responsible_carrier,
            "lat": self.lat,
            "lon": self.lon,
            "catchment_radius_km": self.catchment_radius_km,
            "outreach_radius_km": self.outreach_radius_km,
            "languages": list(self.languages),
            "barrier_free": self.barrier_free,
            "public_transport": self.public_transport,
            "target_groups": list(self.target_groups),
            "admissions": {g: a.to_dict() for g, a in sorted(self.admissions.items())},
            "opening_hours": self.opening_hours,
            "counselling_modes": list(self.counselling_modes),
            "accepts_new_cases": self.accepts_new_cases,
            "waiting_time_weeks": self.waiting_time_weeks,
            "accessibility_notes": self.accessibility_notes,
            "confirmed_on": iso(self.confirmed_on) or None,
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SiteDocument:
        outreach = data.get("outreach_radius_km")
        waiting = data.get("waiting_time_weeks")
        return cls(
            id=str(data["id"]),
            provider_id=str(data["provider_id"]),
            provider_name=str(data["provider_name"]),
            provider_email=data.get("provider_email"),
            provider_phone=data.get("provider_phone"),
            provider_website=data.get("provider_website"),
            provider_active=bool(data.get("provider_active", True)),
            site_name=str(data.get("site_name") or ""),
            site_active=bool(data.get("site_active", True)),
            address=Address.from_dict(data.get("address")),
            district_key=str(data.get("district_key") or ""),
            responsible_carrier=str(data.get("responsible_carrier") or ""),
            lat=float(data["lat"]),
            lon=float(data["lon"]),
            catchment_radius_km=float(data["catchment_radius_km"]),
            outreach_radius_km=None if outreach is None else float(outreach),
            languages=tuple(data.get("languages") or ()),
            barrier_free=bool(data.get("barrier_free", False)),
            public_transport=bool(data.get("public_transport", False)),
            admissions={
                str(g): AdmissionState.from_dict(a)
                for g, a in (data.get("admissions") or {}).items()
            },
            opening_hours=str(data.get("opening_hours") or ""),
            counselling_modes=tuple(data.get("counselling_modes") or ()),
            accepts_new_cases=bool(data.get("accepts_new_cases", True)),
            waiting_time_weeks=None if waiting is None else int(waiting),
            accessibility_notes=str(data.get("accessibility_notes") or ""),
            confirmed_on=day(data.get("confirmed_on")),
            description=str(data.get("description") or ""),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Contact:
    name: str
    role: str = ""
    email: str | None = None
    phone: str | None = None
    reachability: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "email": self.email,
            "phone": self.phone,
            "reachability": self.reachability,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Contact:
        return cls(
            name=str(data["name"]),
            role=str(data.get("role") or ""),
            email=data.get("email"),
            phone=data.get("phone"),
            reachability=str(data.get("reachability") or ""),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class PartnerDocument:
    """One site of a network partner (rule E7); id is the partner site's id."""

    id: str
    partner_id: str
    name: str
    type: str
    site_name: str = ""
    services: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    lat: float
    lon: float
    service_radius_km: float
    address: Address = field(default_factory=Address)
    contacts: tuple[Contact, ...] = ()
    active: bool = True

    def __post_init__(self) -> None:
        _check_point(self.id, self.lat, self.lon)
        _check_radius(self.id, "service_radius_km", self.service_radius_km)

    @property
    def sort_name(self) -> str:
        return self.name

    @property
    def search_text(self) -> str:
        """The free text that rule E7's text filter searches."""
        return "\n".join((self.name, self.site_name, self.address.place, *self.services))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "partner_id": self.partner_id,
            "name": self.name,
            "type": self.type,
            "site_name": self.site_name,
            "services": list(self.services),
            "target_groups": list(self.target_groups),
            "lat": self.lat,
            "lon": self.lon,
            "service_radius_km": self.service_radius_km,
            "address": self.address.to_dict(),
            "contacts": [c.to_dict() for c in self.contacts],
            "active": self.active,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PartnerDocument:
        return cls(
            id=str(data["id"]),
            partner_id=str(data["partner_id"]),
            name=str(data["name"]),
            type=str(data["type"]),
            site_name=str(data.get("site_name") or ""),
            services=tuple(data.get("services") or ()),
            target_groups=tuple(data.get("target_groups") or ()),
            lat=float(data["lat"]),
            lon=float(data["lon"]),
            service_radius_km=float(data["service_radius_km"]),
            address=Address.from_dict(data.get("address")),
            contacts=tuple(Contact.from_dict(c) for c in data.get("contacts") or ()),
            active=bool(data.get("active", True)),
        )


def site_documents(rows: Iterable[Mapping[str, Any]]) -> list[SiteDocument]:
    """Parse many site dicts, keeping only those that belong in the directory."""
    docs = (SiteDocument.from_dict(r) for r in rows)
    return [d for d in docs if d.has_admission]


def _check_point(doc_id: str, lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"{doc_id}: invalid coordinates {lat!r}, {lon!r}")


def _check_radius(doc_id: str, name: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{doc_id}: {name} must be a finite number >= 0, not {value!r}")


def site_tags(doc: SiteDocument) -> list[str]:
    """Exact terms a backend indexes for a site: what a query requires must be one of them.

    `tg:<code>` per admitted target group, `lang:<casefolded code>`, and the flags
    `flag:active` (provider and site active), `flag:barrier_free`, `flag:public_transport`,
    `flag:outreach` (outreach radius above 0).
    """
    tags = [f"tg:{group}" for group in doc.target_groups]
    tags.extend(f"lang:{lang}" for lang in sorted({lang.casefold() for lang in doc.languages}))
    if doc.provider_active and doc.site_active:
        tags.append("flag:active")
    if doc.barrier_free:
        tags.append("flag:barrier_free")
    if doc.public_transport:
        tags.append("flag:public_transport")
    if (doc.outreach_radius_km or 0.0) > 0:
        tags.append("flag:outreach")
    return tags


def partner_tags(doc: PartnerDocument) -> list[str]:
    """Exact terms a backend indexes for a partner site: `type:`, `tg:` and `flag:active`."""
    tags = [f"type:{doc.type}", *(f"tg:{group}" for group in sorted(set(doc.target_groups)))]
    if doc.active:
        tags.append("flag:active")
    return tags
