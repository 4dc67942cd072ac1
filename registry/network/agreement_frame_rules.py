"""Rule N2 (docs/rules.md §8): every problem of an agreement's frame: title, carrier and partner
parties (procedure agreements only among social-benefit carriers), scope and validity. Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from registry.errors import Problem
from registry.network.model import (
    SOCIAL_BENEFIT_PARTNER_TYPES,
    Agreement,
    AgreementKind,
    Scope,
    ScopeLevel,
)
from registry.network.rule_checks import has_text

# --- N2: agreement parties, scope, validity -----------------------------------------------------


def validate_agreement(
    agreement: Agreement,
    *,
    partner_types: Mapping[str, str],
    known_carriers: Collection[str] | None = None,
    known_districts: Collection[str] | None = None,
    known_states: Collection[str] | None = None,
) -> list[Problem]:
    """Rule N2: every problem of an agreement's frame (not its contents: that is N3).

    `partner_types` maps partner id -> type code for (at least) the agreement's partners; a
    partner missing from it is reported as unknown. Procedure agreements are only allowed when
    every partner is a social-benefit carrier (`SOCIAL_BENEFIT_PARTNER_TYPES`); the carriers are
    pension carriers by construction. `valid_until` (if given; None means open-ended) must be
    after `valid_from`. The optional `known_*` collections check references.
    """
    rule = "N2"
    problems: list[Problem] = []
    if not has_text(agreement.title):
        problems.append(Problem("title", "Titel fehlt", rule))
    if not agreement.carriers:
        problems.append(Problem("carriers", "Mindestens ein Träger ist Vertragspartei", rule))
    if len(set(agreement.carriers)) != len(agreement.carriers):
        problems.append(Problem("carriers", "Ein Träger ist doppelt genannt", rule))
    if known_carriers is not None:
        for i, carrier in enumerate(agreement.carriers):
            if carrier not in known_carriers:
                problems.append(Problem(f"carriers[{i}]", f"Unbekannter Träger: {carrier}", rule))

    if not agreement.partners:
        problems.append(Problem("partners", "Mindestens ein Netzwerkpartner ist Partei", rule))
    if len(set(agreement.partners)) != len(agreement.partners):
        problems.append(Problem("partners", "Ein Netzwerkpartner ist doppelt genannt", rule))
    for i, partner_id in enumerate(agreement.partners):
        partner_type = partner_types.get(partner_id)
        if partner_type is None:
            problems.append(
                Problem(f"partners[{i}]", f"Unbekannter Netzwerkpartner: {partner_id}", rule)
            )
        elif (
            agreement.kind is AgreementKind.PROCEDURE_AGREEMENT
            and partner_type not in SOCIAL_BENEFIT_PARTNER_TYPES
        ):
            problems.append(
                Problem(
                    f"partners[{i}]",
                    "Verfahrensabsprachen gibt es nur unter Sozialleistungsträgern; "
                    f"dieser Partner ist vom Typ {partner_type}",
                    rule,
                )
            )

    problems.extend(validate_scope(agreement.scope, known_districts, known_states))

    if agreement.valid_until is not None and agreement.valid_until <= agreement.valid_from:
        problems.append(
            Problem("valid_until", "Das Laufzeitende muss nach dem Laufzeitbeginn liegen", rule)
        )
    return problems


def validate_scope(
    scope: Scope,
    known_districts: Collection[str] | None = None,
    known_states: Collection[str] | None = None,
) -> list[Problem]:
    """Rule N2: a scope names districts, or a state, or nothing (national)."""
    rule = "N2"
    problems: list[Problem] = []
    if scope.level is ScopeLevel.DISTRICTS:
        if not scope.districts:
            problems.append(Problem("scope.districts", "Mindestens ein Kreis ist anzugeben", rule))
        if scope.state is not None:
            problems.append(Problem("scope.state", "Bei Kreisen kein Bundesland angeben", rule))
        if known_districts is not None:
            for key in sorted(scope.districts):
                if key not in known_districts:
                    problems.append(Problem("scope.districts", f"Unbekannter Kreis: {key}", rule))
    elif scope.level is ScopeLevel.STATE:
        if not has_text(scope.state):
            problems.append(Problem("scope.state", "Bundesland fehlt", rule))
        elif known_states is not None and scope.state not in known_states:
            problems.append(Problem("scope.state", f"Unbekanntes Bundesland: {scope.state}", rule))
        if scope.districts:
            problems.append(Problem("scope.districts", "Bei Bundesland keine Kreise angeben", rule))
    elif scope.districts or scope.state is not None:
        problems.append(Problem("scope", "Bundesweit gilt ohne Kreise und Bundesland", rule))
    return problems
