"""Unit tests of rule N4 on the relationships (registry/network/parties.py): parties act,
invited carriers accept or decline, nobody removes another carrier; a partner's carriers."""

from __future__ import annotations

from datetime import date

import pytest

from registry.errors import InvalidInput
from registry.network.model import Agreement, AgreementKind, Purpose, Scope
from registry.network.parties import (
    NotInvited,
    Standing,
    accept,
    at_creation,
    change_carriers,
    decline,
    may_act,
    open_invitations,
    partner_carrier_problems,
    standing_of,
)


def _agreement(carriers: tuple[str, ...], invited: tuple[str, ...] = ()) -> Agreement:
    return Agreement(
        id="agr-1",
        kind=AgreementKind.COOPERATION_AGREEMENT,
        purpose=Purpose.GENERAL,
        title="Kooperation",
        carriers=carriers,
        partners=("ptn-1",),
        scope=Scope.of_state("Nordrhein-Westfalen"),
        valid_from=date(2026, 1, 1),
        invited=invited,
    )


def test_the_creator_is_a_party_and_every_other_named_carrier_is_invited() -> None:
    # rule N4
    assert at_creation("drv-rheinland", ["drv-westfalen"]) == (
        ("drv-westfalen", "drv-rheinland"),
        ("drv-westfalen",),
    )
    assert at_creation("drv-nord", ["drv-nord", "drv-bund"]) == (
        ("drv-nord", "drv-bund"),
        ("drv-bund",),
    )
    assert at_creation("drv-nord", []) == (("drv-nord",), ())


def test_only_parties_act_invited_and_others_do_not() -> None:
    # rule N4
    a = _agreement(("drv-westfalen", "drv-bund"), invited=("drv-bund",))
    assert standing_of(a, "drv-westfalen") is Standing.PARTY
    assert standing_of(a, "drv-bund") is Standing.INVITED
    assert standing_of(a, "drv-rheinland") is Standing.NONE  # same region, not named
    assert a.parties == ("drv-westfalen",)
    assert may_act(Standing.PARTY)
    assert not may_act(Standing.INVITED)
    assert not may_act(Standing.NONE)


def test_accepting_makes_a_party_declining_removes_the_invitation() -> None:
    # rule N4
    a = _agreement(("drv-westfalen", "drv-bund", "drv-rheinland"), ("drv-bund", "drv-rheinland"))
    accepted = accept(a, "drv-bund")
    assert (accepted.carriers, accepted.invited) == (a.carriers, ("drv-rheinland",))
    declined = decline(accepted, "drv-rheinland")
    assert (declined.carriers, declined.invited) == (("drv-westfalen", "drv-bund"), ())
    for answer in (accept, decline):
        with pytest.raises(NotInvited):
            answer(a, "drv-westfalen")  # a party has no invitation to answer
        with pytest.raises(NotInvited):
            answer(a, "drv-hessen")  # nor has a stranger


def test_nobody_removes_another_carrier() -> None:
    # rule N4: the take-over, PATCH {"carriers": ["drv-rheinland"]} on Westfalen's
    # agreement, is refused even for a party
    a = _agreement(("drv-westfalen", "drv-rheinland"))
    with pytest.raises(InvalidInput) as refused:
        change_carriers(a, ["drv-rheinland"], "drv-rheinland")
    (problem,) = refused.value.problems
    assert (problem.field, problem.rule) == ("carriers", "N4")
    assert "DRV Westfalen" in problem.message  # the carrier by name
    # nor an open invitation: only the invited carrier answers it
    b = _agreement(("drv-westfalen", "drv-bund"), invited=("drv-bund",))
    with pytest.raises(InvalidInput):
        change_carriers(b, ["drv-westfalen"], "drv-westfalen")


def test_a_party_invites_others_and_may_leave_while_another_party_remains() -> None:
    # rule N4
    a = _agreement(("drv-westfalen", "drv-rheinland"))
    named, invited = change_carriers(
        a, ["drv-westfalen", "drv-rheinland", "drv-bund"], "drv-westfalen"
    )
    assert (named, invited) == (("drv-westfalen", "drv-rheinland", "drv-bund"), ("drv-bund",))
    assert change_carriers(a, ["drv-rheinland"], "drv-westfalen") == (("drv-rheinland",), ())
    # naming an invited carrier again keeps it invited, never a party
    b = _agreement(("drv-westfalen", "drv-bund"), invited=("drv-bund",))
    assert change_carriers(b, ["drv-westfalen", "drv-bund"], "drv-westfalen")[1] == ("drv-bund",)
    # the last party cannot leave: someone must be able to act
    with pytest.raises(InvalidInput) as refused:
        change_carriers(b, ["drv-bund"], "drv-westfalen")
    assert refused.value.problems[0].rule == "N4"
    with pytest.raises(InvalidInput):
        change_carriers(_agreement(("drv-westfalen",)), [], "drv-westfalen")


def test_an_open_invitation_blocks_activation() -> None:
    # rule N4
    assert open_invitations(_agreement(("drv-westfalen",))) == []
    (problem,) = open_invitations(_agreement(("drv-westfalen", "drv-bund"), ("drv-bund",)))
    assert (problem.field, problem.rule) == ("carriers", "N4")
    assert "DRV Bund" in problem.message


def test_a_carrier_adds_or_removes_only_itself_on_a_partner() -> None:
    # rule N4 for a partner's carriers
    current = ["drv-westfalen", "drv-rheinland"]
    assert partner_carrier_problems(current, [*current, "drv-bund"], "drv-bund") == []
    assert partner_carrier_problems(current, ["drv-westfalen"], "drv-rheinland") == []
    assert partner_carrier_problems(current, current, "drv-rheinland") == []
    removed = partner_carrier_problems(current, ["drv-rheinland"], "drv-rheinland")
    assert [(p.field, p.rule) for p in removed] == [("carriers", "N4")]
    assert "DRV Westfalen" in removed[0].message
    added = partner_carrier_problems(current, [*current, "drv-hessen"], "drv-rheinland")
    assert [p.rule for p in added] == ["N4"]
    # an admin acting for no carrier is not a carrier giving or withholding consent
    assert partner_carrier_problems(current, [], None) == []
