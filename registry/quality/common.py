"""What the quality use cases share: who may act on a provider's quality data (§9, A16), the
and the carriers' names."""

from __future__ import annotations

from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden, NotFound
from registry.quality.repository import QualityRepository

NOT_FOUND = "Anbieter nicht gefunden"


def admitting_officer(reg: Registry, principal: Principal, provider_id: str) -> str:
    """§9/A16: an admissions officer of a carrier that issued an admission in force for a
    site of the provider (the traversal ``carrier <-ISSUED_BY- admission <-HAS_ADMISSION-
    site <-OPERATES- provider``); its carrier. Anyone else: 404, nothing is revealed."""
    if principal.role is not Role.ADMISSIONS_OFFICER or not principal.carrier:
        raise Forbidden("Hospitationen und Beschwerden erfassen Zulassungsstellen.", rule="A16")
    if not reg.repo(QualityRepository).admits(principal.carrier, provider_id):
        raise NotFound(NOT_FOUND)
    return principal.carrier


def own_provider(principal: Principal, provider_id: str) -> None:
    """The provider itself (another provider: 404)."""
    if principal.role is not Role.PROVIDER:
        raise Forbidden("Jahreszahlen meldet der Anbieter selbst.", rule="A16")
    if principal.provider != provider_id:
        raise NotFound(NOT_FOUND)


def reader(reg: Registry, principal: Principal, provider_id: str) -> str:
    """Who reads a provider's quality record: ``""`` for the provider itself, else the
    carrier of an admitting officer. Everyone else: 404."""
    if principal.role is Role.PROVIDER:
        own_provider(principal, provider_id)
        if reg.repo(QualityRepository).provider_name(provider_id) is None:
            raise NotFound(NOT_FOUND)
        return ""
    return admitting_officer(reg, principal, provider_id)


def carrier_name(reg: Registry, carrier_id: str) -> str:
    try:
        return str(reg.reference.carrier(carrier_id).name)
    except KeyError:
        return carrier_id


def newer(at: str, since: str) -> bool:
    """Recorded after the last review (everything is new before the first review)."""
    return not since or at > since
