"""Rule N4 on the relationships: who acts on an agreement, and how a carrier joins or leaves
one; the same consent for the carriers working with a partner.

An agreement is acted on by its parties only: a strategist of a carrier that is a party may
edit, activate, suspend, resume or end it. Naming another carrier invites it; it becomes a party
when one of its strategists accepts, or the invitation ends when it declines. No one removes
another carrier: a party may leave (if another party remains), an open invitation ends only by
the invited carrier's answer *(design decision: not withdrawn by the inviting parties)*. An
agreement with an open invitation cannot be activated. A partner's carriers: a carrier adds or
removes only itself.

Pure: the facts come in as arguments (the standing of a carrier is read from the graph, one
traversal over ``PARTY_TO`` / ``INVITED_TO``), problems come back as `Problem(field, message,
"N4")`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from enum import StrEnum

from registry.errors import InvalidInput, Problem
from registry.network.model import Agreement
from registry.words import carrier_name

RULE = "N4"


class Standing(StrEnum):
    """How a carrier stands to an agreement (the relationship from the carrier, if any)."""

    PARTY = "party"  # (:Carrier)-[:PARTY_TO]->(:Agreement)
    INVITED = "invited"  # (:Carrier)-[:INVITED_TO]->(:Agreement)
    NONE = ""  # neither: at most informed of it (its region is touched), never acting


class NotInvited(Exception):
    """Accepting or declining by a carrier that holds no open invitation."""


def standing_of(agreement: Agreement, carrier: str) -> Standing:
    if carrier in agreement.invited:
        return Standing.INVITED
    if carrier in agreement.carriers:
        return Standing.PARTY
    return Standing.NONE


def may_act(standing: Standing) -> bool:
    """Rule N4: only a party edits, activates, suspends, resumes or ends an agreement."""
    return standing is Standing.PARTY


def at_creation(creator: str, named: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Rule N4: the carriers of a new agreement and those of them invited. The creating carrier
    is a party (named or not: then added last); every other named carrier is invited."""
    carriers = tuple(dict.fromkeys([*named, creator]))
    return carriers, tuple(c for c in carriers if c != creator)


def change_carriers(
    current: Agreement, named: Sequence[str], acting_carrier: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Rule N4: a party's change of the named carriers (PATCH ``carriers``). A carrier not yet
    named is invited, never made a party; the acting carrier may leave as long as another party
    remains; removing any other carrier (a party or an open invitation) is refused. Returns the
    new carriers and invited ones; raises `InvalidInput` with problems on ``carriers``."""
    wanted = tuple(dict.fromkeys(named))
    problems: list[Problem] = []
    for carrier in current.carriers:
        if carrier in wanted or carrier == acting_carrier:
            continue
        if carrier in current.invited:
            message = (
                f"Die Einladung an {carrier_name(carrier)} endet nur durch dessen Zusage oder "
                "Absage; "
                "niemand trägt einen anderen Träger aus."
            )
        else:
            message = (
                f"{carrier_name(carrier)} ist Vertragspartei; nur der Träger selbst kann sich "
                "austragen."
            )
        problems.append(Problem("carriers", message, RULE))
    invited = tuple(c for c in wanted if c in current.invited or c not in current.carriers)
    if not problems and not [c for c in wanted if c not in invited]:
        problems.append(Problem("carriers", "Mindestens ein Träger bleibt Vertragspartei.", RULE))
    if problems:
        raise InvalidInput(problems)
    return wanted, invited


def accept(agreement: Agreement, carrier: str) -> Agreement:
    """Rule N4: the invited carrier becomes a party. Raises `NotInvited` otherwise."""
    if carrier not in agreement.invited:
        raise NotInvited(carrier)
    return replace(agreement, invited=tuple(c for c in agreement.invited if c != carrier))


def decline(agreement: Agreement, carrier: str) -> Agreement:
    """Rule N4: the invited carrier is no longer named. Raises `NotInvited` otherwise."""
    if carrier not in agreement.invited:
        raise NotInvited(carrier)
    return replace(
        agreement,
        carriers=tuple(c for c in agreement.carriers if c != carrier),
        invited=tuple(c for c in agreement.invited if c != carrier),
    )


def open_invitations(agreement: Agreement) -> list[Problem]:
    """Rule N4: an agreement with an open invitation cannot be activated; one problem each."""
    return [
        Problem(
            "carriers",
            f"Die Einladung an {carrier_name(carrier)} ist noch offen; erst nach Zusage oder "
            "Absage kann "
            "die Vereinbarung in Kraft treten.",
            RULE,
        )
        for carrier in agreement.invited
    ]


def partner_carrier_problems(
    current: Sequence[str], wanted: Sequence[str], acting_carrier: str | None
) -> list[Problem]:
    """Rule N4 for a partner's carriers: a carrier adds or removes only itself. An admin
    acting for no carrier (``acting_carrier`` None) is not bound by it."""
    if acting_carrier is None:
        return []
    before, after = set(current), set(wanted)
    others = sorted((before ^ after) - {acting_carrier})
    return [
        Problem(
            "carriers",
            f"Nur der eigene Träger kann sich ein- oder austragen, nicht {carrier_name(carrier)}.",
            RULE,
        )
        for carrier in others
    ]
